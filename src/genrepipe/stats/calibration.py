"""How far a model's probabilities mean what they say, and the one-parameter fix.

- `ece`: the expected calibration error over equal-width bins of the top probability (Guo et
  al., 2017; `BINS` bins): the songs' share in each bin times the gap between how often the top
  class was right there and how sure the model was, summed;
- `brier`: the multi-class Brier score, the mean over songs of the squared distance between the
  probabilities and the one-hot truth (0 is perfect, 2 the worst);
- `fit_temperature` / `apply_temperature`: temperature scaling (Guo et al., 2017): the log
  probabilities divided by one number T, then a softmax; T > 1 makes the model less sure, T < 1
  surer. One parameter learns little from few songs, which is why it is used here rather than a
  per-class (vector or matrix) scaling or isotonic regression; it never changes which class is
  top, so no accuracy moves;
- `calibration_intervals`: both scores before and after, with 95 % bootstrap intervals over songs
  and the paired change (the same resamples for both), from the one bootstrap engine.
"""

from __future__ import annotations

import numpy as np

from .bootstrap import percentile_interval, resample_counts

BINS = 10
EPS = 1e-12  # the smallest probability taken into a logarithm (a random forest says 0)
# the temperatures searched: where every valid song is right, the log loss falls without end as T
# shrinks (certainty pays); the lower bound keeps a few perfect valid songs from making every
# answer 100 % sure (`calibration` records when the bound was reached)
T_RANGE = (0.25, 20.0)


def _logits(probs: np.ndarray) -> np.ndarray:
    return np.log(np.clip(probs, EPS, 1.0))


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Songs' probabilities scaled by `temperature`: softmax(log p / T). T = 1 returns them as
    they are.

    Examples
    --------
    >>> apply_temperature(np.array([[0.8, 0.2]]), 2.0).round(3).tolist()
    [[0.667, 0.333]]
    """
    probs = np.asarray(probs, dtype=np.float64)
    if temperature == 1.0:
        return probs
    z = _logits(probs) / temperature
    z -= z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_temperature(probs: np.ndarray, truth: np.ndarray) -> float:
    """The temperature that minimises the log loss of `probs` (n_songs, n_classes) on `truth`
    (class indices), searched on log T within `T_RANGE` (bounded Brent: deterministic)."""
    from scipy.optimize import minimize_scalar

    logits = _logits(np.asarray(probs, dtype=np.float64))
    rows = np.arange(len(truth))

    def loss(log_t: float) -> float:
        z = logits / np.exp(log_t)
        z -= z.max(axis=1, keepdims=True)
        return float(np.mean(np.log(np.exp(z).sum(axis=1)) - z[rows, truth]))

    lo, hi = np.log(T_RANGE)
    best = minimize_scalar(loss, bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
    return float(np.exp(best.x))


def _bins(confidence: np.ndarray) -> np.ndarray:
    """Each probability's equal-width bin, 0 .. BINS - 1 (1.0 in the last)."""
    return np.minimum((confidence * BINS).astype(int), BINS - 1)


def _ece_parts(probs: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per song: its bin as a one-hot row (n, BINS), its top probability, whether its top class
    is right."""
    return (np.eye(BINS)[_bins(probs.max(axis=1))], probs.max(axis=1),
            (probs.argmax(axis=1) == truth).astype(float))


def _ece_weighted(weights: np.ndarray, onehot, confidence, correct) -> np.ndarray:
    """ECE of the songs weighted by `weights` (n_resamples, n): how often each is drawn."""
    n = weights.sum(axis=1)
    gap = (weights * (correct - confidence)) @ onehot  # (resamples, BINS): sum of (right - sure)
    return np.abs(gap).sum(axis=1) / n


def ece(probs: np.ndarray, truth: np.ndarray) -> float:
    """The expected calibration error (equal-width bins of the top probability).

    Examples
    --------
    >>> ece(np.array([[0.9, 0.1], [0.9, 0.1]]), np.array([0, 1]))  # 90 % sure, right half the time
    0.4
    """
    parts = _ece_parts(np.asarray(probs, dtype=np.float64), truth)
    return round(float(_ece_weighted(np.ones((1, len(truth))), *parts)[0]), 12)


def _brier_per_song(probs: np.ndarray, truth: np.ndarray) -> np.ndarray:
    onehot = np.eye(probs.shape[1])[truth]
    return ((probs - onehot) ** 2).sum(axis=1)


def brier(probs: np.ndarray, truth: np.ndarray) -> float:
    """The multi-class Brier score (mean over songs of the squared distance to the truth).

    Examples
    --------
    >>> brier(np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([0, 1]))
    0.25
    """
    return float(np.mean(_brier_per_song(np.asarray(probs, dtype=np.float64), truth)))


def calibration_intervals(truth: np.ndarray, raw: np.ndarray, calibrated: np.ndarray, seed: int) -> dict:
    """ECE and Brier score of the `raw` and the `calibrated` probabilities of the same songs, each
    with its 95 % bootstrap interval, and the change (calibrated minus raw) with a paired interval:
    every score on the same resamples of songs."""
    counts = resample_counts(len(truth), seed).astype(float)
    out: dict = {}
    values = {}
    for kind, probs in (("raw", raw), ("calibrated", calibrated)):
        probs = np.asarray(probs, dtype=np.float64)
        parts = _ece_parts(probs, truth)
        per_song_brier = _brier_per_song(probs, truth)
        values[kind] = {"ece": _ece_weighted(counts, *parts),
                        "brier": counts @ per_song_brier / counts.sum(axis=1)}
        for name, point in (("ece", ece(probs, truth)), ("brier", brier(probs, truth))):
            key = name if kind == "raw" else f"{name}_calibrated"
            lo, hi = percentile_interval(values[kind][name])
            out.update({key: point, f"{key}_lo": lo, f"{key}_hi": hi})
    for name in ("ece", "brier"):
        lo, hi = percentile_interval(values["calibrated"][name] - values["raw"][name])
        out.update({f"{name}_change": out[f"{name}_calibrated"] - out[name],
                    f"{name}_change_lo": lo, f"{name}_change_hi": hi})
    return out


def _points(onehot: np.ndarray, confidence: np.ndarray, outcome: np.ndarray) -> list[dict]:
    """Per non-empty bin: its items, their mean probability and how often the outcome held."""
    n = onehot.sum(axis=0)
    return [{"bin": int(b), "songs": int(n[b]), "confidence": float(confidence @ onehot[:, b] / n[b]),
             "accuracy": float(outcome @ onehot[:, b] / n[b])} for b in range(BINS) if n[b]]


def reliability(probs: np.ndarray, truth: np.ndarray) -> list[dict]:
    """The reliability diagram's points: per non-empty bin, its songs, their mean top
    probability (`confidence`) and how often the top class was right (`accuracy`)."""
    return _points(*_ece_parts(np.asarray(probs, dtype=np.float64), truth))


def tag_reliability(probs: np.ndarray, truth: np.ndarray) -> list[dict]:
    """A tagger's reliability diagram: every (song, tag) probability binned, against how often
    the tag was there (`truth`: 0/1, the shape of `probs`)."""
    p, y = np.asarray(probs, dtype=np.float64).ravel(), np.asarray(truth, dtype=np.float64).ravel()
    return _points(np.eye(BINS)[_bins(p)], p, y)
