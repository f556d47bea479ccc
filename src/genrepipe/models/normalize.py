"""Per-band normalisation: statistics streamed over the train split, applied to any batch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.errors import DataError
from ..dataset.featureset import FeatureSet


@dataclass(frozen=True)
class BandStats:
    """Mean and standard deviation of each band (first feature axis) over the train split."""

    mean: np.ndarray
    std: np.ndarray

    def apply(self, x: np.ndarray) -> np.ndarray:
        """Standardise `x` of shape (n, bands, ...) band by band, as float32."""
        extra = (1,) * (x.ndim - 2)
        mean = self.mean.reshape(-1, *extra).astype(np.float32)
        std = self.std.reshape(-1, *extra).astype(np.float32)
        return (np.asarray(x, dtype=np.float32) - mean) / std

    def to_dict(self) -> dict:
        return {"mean": self.mean.tolist(), "std": self.std.tolist()}

    @classmethod
    def from_dict(cls, data: dict) -> BandStats:
        return cls(np.asarray(data["mean"], dtype=np.float64), np.asarray(data["std"], dtype=np.float64))


def band_stats(features: FeatureSet, split: str = "train") -> BandStats:
    """Per-band mean and std over every window (and frame) of `split`, one song at a time.

    Sums are accumulated in float64 around a first-song shift, so the variance stays accurate
    for dB-valued features far from zero.
    """
    songs = features.songs(split)
    if not songs:
        raise DataError(f"{features.folder}: no {split} songs to compute normalisation from; "
                        "expected some (check dataset.ratios)")
    shift = total = total_sq = None
    count = 0
    for song in songs:
        x = np.asarray(features.load(song["song_id"]), dtype=np.float64)
        x = np.moveaxis(x, 1, 0).reshape(x.shape[1], -1)  # (bands, windows * frames)
        if shift is None:
            shift = x.mean(axis=1)
            total = np.zeros_like(shift)
            total_sq = np.zeros_like(shift)
        centred = x - shift[:, None]
        total += centred.sum(axis=1)
        total_sq += (centred ** 2).sum(axis=1)
        count += x.shape[1]
    mean = total / count
    var = np.maximum(total_sq / count - mean ** 2, 0.0)
    return BandStats(mean + shift, np.sqrt(var) + 1e-6)
