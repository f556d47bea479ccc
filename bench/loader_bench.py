"""Training speed of the 2D CNN fed by the PyDataset from disk, against the same batches from
arrays held in memory (already normalised: the fastest a loader can be)."""

from __future__ import annotations

import time

import numpy as np

from genrepipe.core.backend import keras, seed_everything
from genrepipe.dataset.featureset import FeatureSet
from genrepipe.models.cnn2d import build_network, layout
from genrepipe.models.loader import Batching, WindowSequence
from genrepipe.models.normalize import band_stats
from genrepipe.models.registry import model_settings


class ArraySequence(keras.utils.PyDataset):
    """The same batches as a WindowSequence, sliced from in-memory arrays."""

    def __init__(self, x: np.ndarray, y: np.ndarray, order: np.ndarray, batch_size: int, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.order, self.batch_size = x, y, order, batch_size

    def __len__(self) -> int:
        return -(-len(self.order) // self.batch_size)

    def __getitem__(self, i):
        chosen = self.order[i * self.batch_size:(i + 1) * self.batch_size]
        return self.x[chosen], self.y[chosen]


def _steps_per_second(network, sequence, steps: int) -> float:
    start = time.perf_counter()
    network.fit(sequence, epochs=1, steps_per_epoch=steps, verbose=0)
    return steps / (time.perf_counter() - start)


def loader_rates(mel_dir, params, steps: int = 60) -> tuple[float, float]:
    """(steps/s from disk, steps/s from memory), best of two alternating timings each."""
    seed_everything(params.seed)
    features = FeatureSet(mel_dir)
    settings = model_settings(params.models, "cnn2d")
    stats = band_stats(features)

    def prepare(x):
        return layout(stats.apply(x))

    # one-hot targets, as training feeds them (label smoothing, mixup); no augmentation on either
    disk = WindowSequence(features, "train", features.classes,
                          Batching(settings.batch_size, params.seed, prepare=prepare, one_hot=True),
                          workers=params.executor.workers)
    x = np.concatenate([prepare(np.asarray(features.load(s["song_id"]))) for s in features.songs("train")])
    one_hot = np.eye(len(features.classes), dtype=np.float32)[disk.labels]
    memory = ArraySequence(x, one_hot, disk.order, settings.batch_size,
                           workers=params.executor.workers)
    steps = min(steps, len(disk))
    network = build_network(x.shape[1:], len(features.classes), settings)
    network.fit(memory, epochs=1, steps_per_epoch=5, verbose=0)  # compile and warm up
    rates = {"disk": [], "memory": []}
    for _ in range(2):
        rates["disk"].append(_steps_per_second(network, disk, steps))
        rates["memory"].append(_steps_per_second(network, memory, steps))
    return max(rates["disk"]), max(rates["memory"])
