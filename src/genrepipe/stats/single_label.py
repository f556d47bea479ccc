"""Scores with their uncertainty: accuracy and macro-F1 over the classes present, the exact
(Clopper-Pearson) interval of an accuracy, bootstrap intervals of macro-F1 over songs, intervals
over folds, and the exact McNemar test of two runs on the same songs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .bootstrap import LEVEL, percentile_interval, resample_counts



def score(y_true: np.ndarray, y_pred: np.ndarray, classes: Sequence[str]) -> dict:
    """Accuracy, macro-F1, and recall and support per class, over the classes present in
    `y_true` (a class absent from the evaluated set is not counted as a zero).

    Parameters
    ----------
    y_true, y_pred : np.ndarray of int, shape (n,)
        Indices into `classes`.
    classes : sequence of str

    Examples
    --------
    >>> score(np.array([0, 0, 1]), np.array([0, 0, 1]), ["a", "b", "c"])["macro_f1"]
    1.0
    """
    from sklearn.metrics import accuracy_score, f1_score, recall_score

    present = np.unique(y_true)
    recall = recall_score(y_true, y_pred, labels=present, average=None, zero_division=0)
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=present, average="macro", zero_division=0)),
        "recall": {classes[c]: float(r) for c, r in zip(present, recall, strict=True)},
        "support": {classes[c]: int(np.sum(y_true == c)) for c in present},
    }


def majority_rate(y_true: np.ndarray) -> float:
    """The accuracy of always answering the most common class: what chance gives."""
    return float(np.bincount(y_true).max() / len(y_true))


def exact_interval(correct: int, n: int) -> tuple[float, float]:
    """The exact (Clopper-Pearson) 95 % interval of an accuracy of `correct` out of `n`:
    ``scipy.stats.binomtest(correct, n).proportion_ci()``. Unlike a bootstrap it has width at the
    edges: 61 of 61 gives [0.941, 1].

    Examples
    --------
    >>> [round(v, 3) for v in exact_interval(61, 61)]
    [0.941, 1.0]
    """
    from scipy.stats import binomtest

    interval = binomtest(int(correct), int(n)).proportion_ci(confidence_level=LEVEL, method="exact")
    return float(interval.low), float(interval.high)


def bootstrap_macro_f1(y_true: np.ndarray, y_pred: np.ndarray, seed: int) -> tuple[float, float]:
    """The 95 % percentile interval of macro-F1, resampling the items (songs) with replacement,
    seeded: the same songs give the same resamples whatever the run, so the intervals of runs
    scored on the same songs are comparable. At the edges it has no width: when every song is
    right, every resample scores 1, so the interval is [1, 1] (the accuracy's exact interval
    says how uncertain that is)."""
    counts = resample_counts(len(y_true), seed)  # counts[b, i]: item i's draws in resample b
    f1 = np.zeros(len(counts))
    present = np.zeros(len(counts))
    for c in np.unique(np.concatenate([y_true, y_pred])):
        truth, guess = y_true == c, y_pred == c
        tp, fn, fp = counts @ (truth & guess), counts @ (truth & ~guess), counts @ (~truth & guess)
        support = tp + fn
        with np.errstate(invalid="ignore", divide="ignore"):
            f1_c = np.where(support > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
        f1 += f1_c
        present += support > 0
    return percentile_interval(f1 / np.maximum(present, 1))


def fold_interval(values: Sequence[float]) -> dict:
    """Mean, standard deviation and the 95 % t-interval of the mean of per-fold scores."""
    from scipy import stats

    values = np.asarray(values, dtype=float)
    mean, std = float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0
    half = float(stats.t.ppf((1 + LEVEL) / 2, len(values) - 1) * std / np.sqrt(len(values))) \
        if len(values) > 1 else 0.0
    return {"mean": mean, "std": std, "lo": mean - half, "hi": mean + half}


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> dict:
    """The exact McNemar test of two classifiers on the same items: of the items exactly one
    gets right, does each get right about half? Two-sided p-value of the binomial test.

    Returns
    -------
    dict
        ``only_a``, ``only_b`` (items only that one gets right) and ``p_value``.
    """
    from scipy.stats import binomtest

    correct_a, correct_b = np.asarray(correct_a, bool), np.asarray(correct_b, bool)
    only_a, only_b = int(np.sum(correct_a & ~correct_b)), int(np.sum(~correct_a & correct_b))
    p = 1.0 if only_a + only_b == 0 else float(binomtest(only_a, only_a + only_b, 0.5).pvalue)
    return {"only_a": only_a, "only_b": only_b, "p_value": p}


def song_scores(true: np.ndarray, probs: np.ndarray, classes: Sequence[str], seed: int) -> dict:
    """Song accuracy (exact 95 % interval) and macro-F1 (95 % bootstrap interval), recall and
    support per class, and whether the accuracy is above chance, from the songs' labels and
    class probabilities.

    Parameters
    ----------
    true : np.ndarray of int, shape (n_songs,)
    probs : np.ndarray, shape (n_songs, n_classes)
    """
    pred = probs.argmax(axis=1)
    songs = score(true, pred, classes)
    accuracy_lo, accuracy_hi = exact_interval(int(np.sum(true == pred)), len(true))
    f1_lo, f1_hi = bootstrap_macro_f1(true, pred, seed)
    chance = majority_rate(true)
    return {
        "song_accuracy": songs["accuracy"],
        "song_accuracy_lo": accuracy_lo, "song_accuracy_hi": accuracy_hi,
        "song_macro_f1": songs["macro_f1"],
        "song_macro_f1_lo": f1_lo, "song_macro_f1_hi": f1_hi,
        "song_recall": songs["recall"],
        "song_support": songs["support"],
        "n_songs": len(true),
        "majority_rate": chance,
        # learned something: even the interval's low end beats always answering the commonest class
        "above_chance": accuracy_lo > chance,
    }


def fold_scores(true: np.ndarray, pred: np.ndarray, folds: Sequence[str], classes: Sequence[str]) -> dict:
    """Mean, standard deviation and t-interval over folds of song accuracy and macro-F1."""
    folds = np.asarray(folds)
    per_fold = [score(true[folds == f], pred[folds == f], classes) for f in sorted(set(folds))]
    return {"k": len(per_fold), **{f"song_{key}_{stat}": value for key in ("accuracy", "macro_f1")
                                   for stat, value in fold_interval([f[key] for f in per_fold]).items()}}
