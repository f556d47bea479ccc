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
from dataclasses import dataclass

import numpy as np

from ..core.backend import keras
from ..core.errors import DataError
from ..dataset.featureset import FeatureSet
from .batch_augment import BatchAugment, batch_rng, stitched


@dataclass(frozen=True)
class Batching:
    """How a `WindowSequence` makes its batches.

    Attributes
    ----------
    batch_size : int > 0
    seed : int
        Seeds the shuffling generator (one order per epoch, the same for the same seed).
    shuffle : bool
        Reshuffle every epoch (training); otherwise song order, window order (evaluation).
    prepare : callable, optional
        Applied to each batch array (normalisation; with `layout`, the model's input layout).
    layout : callable, optional
        Applied after `prepare` and the masks of `augment` (the model's input layout).
    augment : BatchAugment, optional
        Masks (after `prepare`) and mixup (after `layout`); training only.
    shift_hop : int, optional
        Training windows start at a random offset in [0, shift_hop) steps of the last axis,
        stitched from the stored window and the next one of the song (the stored windows are
        `shift_hop` steps apart): overlapping windows without storing them.
    one_hot : bool
        Targets as one-hot rows (needed by mixup and label smoothing) instead of indices.
    targets_of : callable, optional
        The task's targets of a list of songs (index rows), one row per song, or None for the
        one-hot labels: a tagger's give each window its song's 0/1 row over the tags.
    open_files : int > 0
        How many songs stay memory-mapped at once (least recently used ones are closed).
    """

    batch_size: int
    seed: int = 0
    shuffle: bool = True
    prepare: Callable[[np.ndarray], np.ndarray] | None = None
    layout: Callable[[np.ndarray], np.ndarray] | None = None
    augment: BatchAugment | None = None
    shift_hop: int | None = None
    one_hot: bool = False
    targets_of: Callable[[list[dict]], np.ndarray | None] | None = None
    open_files: int = 64


class WindowSequence(keras.utils.PyDataset):
    """Batches of (features, label index) for every window of one split, read from disk.

    Parameters
    ----------
    features : FeatureSet
    split : {"train", "valid", "test"}
    classes : sequence of str
        Class names; a label's index in it is the target.
    batching : Batching
        Batch size, seed, order, preparation, augmentation and targets.
    **kwargs
        Passed to `keras.utils.PyDataset` (`workers`, `use_multiprocessing`, `max_queue_size`).

    Every window appears exactly once per epoch; batches cross song boundaries; the last batch
    may be smaller. Random choices of batch b come from `batch_rng(seed, self.epoch, b)`, so
    loader threads never change them (`self.epoch` counts `on_epoch_end` calls; Keras makes one
    before the first epoch, so training epoch k draws with k + 1).
    """

    def __init__(self, features: FeatureSet, split: str, classes: Sequence[str], batching: Batching,
                 **kwargs):
        super().__init__(**kwargs)
        songs = features.songs(split)
        if not songs:
            raise DataError(f"{features.folder}: no songs in split {split!r}; expected some "
                            "(check dataset.ratios, or the classes' song counts)")
        self.features = features
        self.song_ids = [s["song_id"] for s in songs]
        counts = np.array([s["n_windows"] for s in songs])
        label_index = {name: i for i, name in enumerate(classes)}
        self.song_of = np.repeat(np.arange(len(songs)), counts)
        self.window_of = np.concatenate([np.arange(n) for n in counts])
        self.labels = np.repeat([label_index[s["label"]] for s in songs], counts).astype(np.int32)
        # the task's own targets per song (a tagger's: a 0/1 row over the tags), else one-hot labels
        b = batching
        self.targets = b.targets_of(songs) if b.targets_of is not None else None
        self.n_windows = counts
        self.n_classes = len(classes)
        self.batch_size = b.batch_size
        self.shuffle = b.shuffle
        self.prepare = b.prepare
        self.layout = b.layout
        self.augment = b.augment if b.augment is not None and b.augment.active else None
        self.shift_hop = b.shift_hop if b.shift_hop and b.shift_hop > 1 else None
        self.one_hot = b.one_hot
        self.seed = b.seed
        self.epoch = 0
        self._rng = np.random.default_rng(b.seed)
        self.order = self._rng.permutation(self.labels.size) if b.shuffle else np.arange(self.labels.size)
        self._open: OrderedDict[int, np.ndarray] = OrderedDict()
        self._open_files = b.open_files
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return math.ceil(self.labels.size / self.batch_size)

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        chosen = self.order[index * self.batch_size:(index + 1) * self.batch_size]
        rng = batch_rng(self.seed, self.epoch, index)
        offsets = (rng.integers(0, self.shift_hop, size=chosen.size) if self.shift_hop
                   else np.zeros(chosen.size, dtype=int))
        x = np.empty((chosen.size, *self.features.window_shape), dtype=np.float32)
        for row, k in enumerate(chosen):
            song, window = self.song_of[k], self.window_of[k]
            array = self._song(song)
            following = array[window + 1] if window + 1 < self.n_windows[song] else None
            x[row] = stitched(array[window], following, int(offsets[row]), self.shift_hop or 0)
        if self.prepare is not None:
            x = self.prepare(x)
        if self.augment is not None:
            x = self.augment.masks(x, rng)
        if self.layout is not None:
            x = self.layout(x)
        y = self.labels[chosen]
        if self.targets is not None and self.one_hot:
            y = self.targets[self.song_of[chosen]]
            if self.augment is not None:
                x, y = self.augment.mix(x, y, rng)
        elif self.one_hot:
            y = np.eye(self.n_classes, dtype=np.float32)[y]
            if self.augment is not None:
                x, y = self.augment.mix(x, y, rng)
        return x, y

    def on_epoch_end(self) -> None:
        self.epoch += 1
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
