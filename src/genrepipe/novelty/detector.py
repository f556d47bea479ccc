"""How far a song lies outside the range of the training songs, and the line beyond which it
is `unknown (unlike the training songs)`.

The distance: for each value of the song's descriptor (`novelty.descriptor`), how far it lies
below the lowest or above the highest training song, in interquartile ranges of the training
songs, summed over the values (0: inside the training songs' range in every value). A song
made of sound no training song has (noise, a pure tone, speech, silence) lies far outside in
some values, however close it is in the others; a nearest-neighbour or Mahalanobis distance
averages that away (docs/evaluation.md#unknown has the measurements).

The threshold is set on songs the reference did not include: the 99th percentile of the valid
songs' distances (k-fold: of every song's distance to the songs of the other folds), so about
1 % of songs like the training songs come out unknown (after k folds fewer: the range `predict`
uses holds every song, wider than any fold's reference), and never below LEAST_THRESHOLD.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

PERCENTILE = 99.0
# The least threshold: a song less than one interquartile range outside the training songs' range,
# summed over every value, is never unknown (when every valid song lies inside the range, the
# percentile is 0 and the slightest step outside would be; measured thresholds: 1.5 to 8.2).
LEAST_THRESHOLD = 1.0


@dataclass(frozen=True)
class Range:
    """The training songs' range of each descriptor value, and its interquartile range (the
    unit of distance; a value the training songs all share gets a tiny one, so that leaving it
    counts heavily)."""

    low: np.ndarray
    high: np.ndarray
    spread: np.ndarray

    @classmethod
    def of(cls, reference: np.ndarray) -> Range:
        reference = np.asarray(reference, dtype=np.float64)
        q1, q3 = np.percentile(reference, [25, 75], axis=0)
        low, high = reference.min(axis=0), reference.max(axis=0)
        floor = 1e-6 * np.maximum(np.abs(low), np.abs(high)) + 1e-9
        return cls(low, high, np.maximum(q3 - q1, floor))

    def distance(self, descriptors: np.ndarray) -> np.ndarray:
        """Each descriptor's distance outside the range (0 inside), shape (n,)."""
        x = np.atleast_2d(np.asarray(descriptors, dtype=np.float64))
        outside = np.maximum(0.0, np.maximum(x - self.high, self.low - x)) / self.spread
        return outside.sum(axis=1)

    def as_dict(self, names: Sequence[str]) -> dict:
        return {name: {"low": float(lo), "high": float(hi), "spread": float(sp)}
                for name, lo, hi, sp in zip(names, self.low, self.high, self.spread, strict=True)}

    @classmethod
    def from_dict(cls, values: dict, names: Sequence[str]) -> Range:
        return cls(*(np.array([values[n][k] for n in names]) for k in ("low", "high", "spread")))


def held_out_distances(descriptors: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    """Each song's distance to the range of the songs of the other groups (k-fold: folds)."""
    groups = np.asarray(groups)
    out = np.zeros(len(descriptors))
    for group in np.unique(groups):
        inside = groups == group
        out[inside] = Range.of(descriptors[~inside]).distance(descriptors[inside])
    return out


def threshold(distances: np.ndarray) -> float:
    """The distance beyond which a song is unknown: the PERCENTILE-th percentile of songs the
    reference did not include (numpy's linear interpolation), at least LEAST_THRESHOLD."""
    return max(float(np.percentile(np.asarray(distances, dtype=np.float64), PERCENTILE)), LEAST_THRESHOLD)


def unknown_rate(unknown: Sequence[bool]) -> dict:
    """How many songs came out unknown, of how many, and the rate with its exact 95 % interval."""
    from ..stats.single_label import exact_interval

    n, k = len(unknown), int(np.sum(unknown))
    lo, hi = exact_interval(k, n) if n else (None, None)
    return {"unknown": k, "songs": n, "rate": k / n if n else None, "rate_lo": lo, "rate_hi": hi}
