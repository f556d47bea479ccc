"""Training-only augmentation of batches for small datasets: shifted windows, SpecAugment-style
masks and mixup.

Everything here is drawn from generators seeded by (seed, epoch, batch), never from call order,
so batches built by several loader threads are the same in every run. Valid and test windows
are never touched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def batch_rng(seed: int, epoch: int, batch: int) -> np.random.Generator:
    """The generator of one training batch of one epoch."""
    return np.random.default_rng(np.random.SeedSequence([seed, epoch, batch]))


def stitched(current: np.ndarray, following: np.ndarray | None, offset: int, hop: int) -> np.ndarray:
    """The window that starts `offset` steps (frames or samples, the last axis) after `current`,
    built from `current` and the song's `following` window (stored `hop` steps later).

    With windows of length F stored every `hop` <= F steps, the shifted window is
    ``current[..., offset:]`` followed by ``following[..., F - hop : F - hop + offset]``: the
    overlapping windows a smaller hop would have stored (up to a frame at the seam for
    spectrograms). `offset` 0, or no following window, gives `current` unchanged.
    """
    if offset == 0 or following is None:
        return current
    width = current.shape[-1]
    start = width - hop
    return np.concatenate([current[..., offset:], following[..., start:start + offset]], axis=-1)


def mask(x: np.ndarray, rng: np.random.Generator, *, time: float, bands: float,
         time_axis: bool, band_axis: bool) -> np.ndarray:
    """SpecAugment-style masking (Park et al. 2019), one mask per axis and window: a run of up
    to `time` x frames (last axis) and of up to `bands` x bands (the axis before it, or the only
    axis of a vector) set to 0: the mean of band-normalised features, silence for a waveform or
    musicnn's input. Returns a new array."""
    x = np.array(x, dtype=np.float32, copy=True)
    n = x.shape[0]
    axes = []
    if time_axis and time > 0:
        axes.append((x.ndim - 1, time))
    if band_axis and bands > 0:
        axes.append((x.ndim - 2 if time_axis else x.ndim - 1, bands))
    for axis, fraction in axes:
        length = x.shape[axis]
        widths = rng.integers(0, max(1, int(fraction * length)) + 1, size=n)
        starts = (rng.random(n) * (length - widths + 1)).astype(int)
        position = np.arange(length)
        masked = (position >= starts[:, None]) & (position < (starts + widths)[:, None])  # (n, length)
        shape = [n] + [1] * (x.ndim - 1)
        shape[axis] = length
        x[np.broadcast_to(masked.reshape(shape), x.shape)] = 0.0
    return x


def mixup(x: np.ndarray, y: np.ndarray, alpha: float,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Mixup (Zhang et al. 2018): each example blended with another of the batch by a weight
    drawn from Beta(alpha, alpha), its one-hot label likewise. `alpha` 0 leaves the batch as is."""
    if alpha <= 0 or len(x) < 2:
        return x, y
    weight = rng.beta(alpha, alpha, size=len(x)).astype(np.float32)
    weight = np.maximum(weight, 1 - weight)  # the example stays the larger part
    partner = rng.permutation(len(x))
    wx = weight.reshape((-1,) + (1,) * (x.ndim - 1))
    return (wx * x + (1 - wx) * x[partner]).astype(np.float32), \
        (weight[:, None] * y + (1 - weight[:, None]) * y[partner]).astype(np.float32)


class BatchAugment:
    """The training-batch augmentation of one Keras run, from its `augment` settings.

    Parameters
    ----------
    settings : mapping
        ``time_mask``, ``band_mask`` (largest masked fraction of frames / bands, 0 = off),
        ``mixup`` (Beta alpha, 0 = off): a model's `augment` block, completed by its spec.
    kind : str
        The transform's kind of output: ``image`` and ``musicnn_input`` have (bands, frames),
        ``waveform`` samples only, ``vector`` bands only.
    """

    def __init__(self, settings: Mapping[str, Any], kind: str):
        self.time = float(settings["time_mask"])
        self.bands = float(settings["band_mask"])
        self.alpha = float(settings["mixup"])
        self.time_axis = kind in ("image", "musicnn_input", "waveform")
        self.band_axis = kind in ("image", "musicnn_input", "vector")

    @property
    def active(self) -> bool:
        return bool(self.time or self.bands or self.alpha)

    def masks(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Masks on normalised windows (before the model's layout)."""
        if not (self.time or self.bands):
            return x
        return mask(x, rng, time=self.time, bands=self.bands, time_axis=self.time_axis,
                    band_axis=self.band_axis)

    def mix(self, x: np.ndarray, y: np.ndarray, rng: np.random.Generator):
        return mixup(x, y, self.alpha, rng)
