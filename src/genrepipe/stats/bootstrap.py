"""The one bootstrap engine: resamples of songs drawn with replacement, kept as how often each
song is drawn, and the 95 % percentile interval of a resampled score.

Every bootstrap interval in genrepipe (a genre run's macro-F1, a tagger's ROC-AUC and PR-AUC, the
paired comparison of two taggers) draws its resamples here: `RESAMPLES` of them, seeded by the
seed and the number of songs, so runs scored on the same songs see the same resamples and their
intervals compare.
"""

from __future__ import annotations

import numpy as np

RESAMPLES = 2000
LEVEL = 0.95


def resample_counts(n: int, seed: int, resamples: int = RESAMPLES) -> np.ndarray:
    """How often each of `n` songs is drawn in each resample, int64, shape (resamples, n).

    Examples
    --------
    >>> resample_counts(3, seed=0, resamples=2).sum(axis=1).tolist()
    [3, 3]
    """
    rng = np.random.default_rng([seed, n])
    draws = rng.integers(0, n, size=(resamples, n)) + n * np.arange(resamples)[:, None]
    return np.bincount(draws.ravel(), minlength=resamples * n).reshape(resamples, n)


def percentile_interval(resampled: np.ndarray) -> tuple[float | None, float | None]:
    """The 95 % percentile interval of the defined (not NaN) resampled values; (None, None) when
    no resample defines the score."""
    resampled = np.asarray(resampled, dtype=float)
    resampled = resampled[~np.isnan(resampled)]
    if resampled.size == 0:
        return None, None
    lo, hi = np.percentile(resampled, [(1 - LEVEL) / 2 * 100, (1 + LEVEL) / 2 * 100])
    return float(lo), float(hi)
