"""Feed Keras from disk: a `keras.utils.PyDataset` over the per-song feature files.

The dataset holds only an index (song and window number of every window); each batch reads
its windows from the memory-mapped per-song `.npy` files, so memory stays flat however
many songs there are. A small LRU of open maps bounds the resident pages too.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from .backend import keras
from .featureset import FeatureSet


class WindowSequence(keras.utils.PyDataset):
    """Batches of (features, label index) for every window of one split, read from disk.

    Parameters
    ----------
    features : FeatureSet
    split : {"train", "valid", "test"}
    classes : sequence of str
        Class names; a label's index in it is the target.
    batch_size : int > 0
    seed : int
        Seeds the shuffling generator (one order per epoch, the same for the same seed).
    shuffle : bool
        Reshuffle every epoch (training); otherwise song order, window order (evaluation).
    prepare : callable, optional
        Applied to each batch array (normalisation, layout for the model).
    open_files : int > 0
        How many songs stay memory-mapped at once (least recently used ones are closed).
    **kwargs
        Passed to `keras.utils.PyDataset` (`workers`, `use_multiprocessing`, `max_queue_size`).

    Every window appears exactly once per epoch; batches cross song boundaries; the last batch
    may be smaller.
    """

    def __init__(self, features: FeatureSet, split: str, classes: Sequence[str], batch_size: int,
                 seed: int = 0, shuffle: bool = True,
                 prepare: Callable[[np.ndarray], np.ndarray] | None = None,
                 open_files: int = 64, **kwargs):
        super().__init__(**kwargs)
        songs = features.songs(split)
        if not songs:
            raise ValueError(f"{features.folder}: no songs in split {split!r}")
        self.features = features
        self.song_ids = [s["song_id"] for s in songs]
        counts = np.array([s["n_windows"] for s in songs])
        label_index = {name: i for i, name in enumerate(classes)}
        self.song_of = np.repeat(np.arange(len(songs)), counts)
        self.window_of = np.concatenate([np.arange(n) for n in counts])
        self.labels = np.repeat([label_index[s["label"]] for s in songs], counts).astype(np.int32)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.prepare = prepare
        self._rng = np.random.default_rng(seed)
        self.order = self._rng.permutation(self.labels.size) if shuffle else np.arange(self.labels.size)
        self._open: OrderedDict[int, np.ndarray] = OrderedDict()
        self._open_files = open_files
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return math.ceil(self.labels.size / self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        chosen = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        x = np.empty((chosen.size, *self.features.window_shape), dtype=np.float32)
        for row, k in enumerate(chosen):
            x[row] = self._song(self.song_of[k])[self.window_of[k]]
        if self.prepare is not None:
            x = self.prepare(x)
        return x, self.labels[chosen]

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self.order = self._rng.permutation(self.labels.size)

    def _song(self, song: int) -> np.ndarray:
        with self._lock:
            if song in self._open:
                self._open.move_to_end(song)
                return self._open[song]
            array = self.features.load(self.song_ids[song])
            self._open[song] = array
            if len(self._open) > self._open_files:
                self._open.popitem(last=False)
            return array
