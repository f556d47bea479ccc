"""Scores of multi-label tagging (each song has 0..n tags, a model gives each song a probability
per tag): ROC-AUC and PR-AUC (average precision) per tag, macro and micro, with 95 % bootstrap
intervals over songs; a paired bootstrap of two runs on the same songs; and F1 at thresholds,
with the thresholds that maximise it. Plain numpy, vectorised over the resamples, so that a
thousand resamples of a thousand songs and fifty tags take a fraction of a second.

A resample draws songs with replacement; it is kept as how often each song is drawn (a weight),
so one sort per tag serves every resample. A score undefined in a resample (a tag with one class
only there) is left out of that resample; a score undefined everywhere is ``None`` in the dicts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .bootstrap import RESAMPLES, percentile_interval, resample_counts

# cells (resamples x items) handled at once: keeps the work space small (in cache, no fresh pages)
_CHUNK_CELLS = 250_000


def roc_auc(truth: np.ndarray, scores: np.ndarray) -> float:
    """The area under the ROC curve, ties counted half (the Mann-Whitney U over the number of
    positive-negative pairs): ``sklearn.metrics.roc_auc_score``. NaN when `truth` has one class.

    Examples
    --------
    >>> roc_auc(np.array([0, 1, 1]), np.array([0.1, 0.1, 0.9]))
    0.75
    """
    return float(_all_songs(truth, scores)[0])


def average_precision(truth: np.ndarray, scores: np.ndarray) -> float:
    """Average precision, step-wise (the precision at each distinct score, weighted by the recall
    it adds): ``sklearn.metrics.average_precision_score``. NaN when `truth` has no positive.

    Examples
    --------
    >>> average_precision(np.array([0, 1, 1]), np.array([0.1, 0.1, 0.9]))
    0.8333333333333333
    """
    return float(_all_songs(truth, scores)[1])


def macro_roc_auc(truth: np.ndarray, probs: np.ndarray) -> float | None:
    """The mean ROC-AUC over the tags defined on these songs (both classes present); None when
    no tag is: never NaN."""
    truth, probs = np.asarray(truth), np.asarray(probs)
    values = [roc_auc(truth[:, t], probs[:, t]) for t in range(truth.shape[1])]
    defined = [v for v in values if not np.isnan(v)]
    return float(np.mean(defined)) if defined else None


def tag_scores(truth: np.ndarray, probs: np.ndarray, tags: Sequence[str], seed: int,
               thresholds: np.ndarray | None = None) -> dict:
    """Macro and micro ROC-AUC and PR-AUC with 95 % percentile bootstrap intervals over songs,
    the same per tag, the PR-AUC of chance, and (with `thresholds`) F1 per tag, macro and micro.

    A tag with one class only among the songs has no ROC-AUC (``None``) and is left out of the
    macro ROC-AUC; a tag without positives has no PR-AUC and is left out of the macro PR-AUC and
    of ``chance_pr_auc`` (a tag whose songs all have it keeps its PR-AUC of 1). In a resample,
    a tag undefined there is left out of that resample's macro mean and of its own interval.

    Parameters
    ----------
    truth : np.ndarray of 0/1 or bool, shape (n_songs, n_tags)
    probs : np.ndarray, shape (n_songs, n_tags)
    tags : sequence of str, the names of the columns
    seed : int, of the resamples: the same songs and seed give the same resamples
    thresholds : np.ndarray, shape (n_tags,), optional; a song has a tag when prob >= threshold

    Returns
    -------
    dict
        JSON-ready: ``macro_roc_auc``, ``micro_roc_auc``, ``macro_pr_auc``, ``micro_pr_auc``
        (each with ``_lo`` and ``_hi``), ``chance_pr_auc``, ``above_chance`` (the macro ROC-AUC's
        low end is above 0.5), ``n_songs``, ``n_tags``, ``per_tag`` ({tag: {``roc_auc``,
        ``pr_auc`` with ``_lo``, ``_hi``, ``positives``, ``prevalence``}}, in the order of
        `tags`); with thresholds also ``macro_f1``, ``micro_f1`` and per tag ``threshold``,
        ``f1``, ``precision``, ``recall``. Undefined values are ``None``.
    """
    truth, probs = _table(truth, probs)
    n_songs, n_tags = truth.shape
    if len(tags) != n_tags:
        raise ValueError(f"{len(tags)} tag names for {n_tags} columns")
    counts = _resample_counts(n_songs, seed)
    roc, pr = _per_tag(counts, truth, probs)            # (n_tags, 1 + RESAMPLES) each
    micro_roc, micro_pr = _micro(counts, truth, probs)  # (1 + RESAMPLES,) each
    positives = truth.sum(axis=0)
    with_positives = positives > 0
    result = {
        **_summary("macro_roc_auc", _macro(roc)),
        **_summary("micro_roc_auc", micro_roc),
        **_summary("macro_pr_auc", _macro(pr)),
        **_summary("micro_pr_auc", micro_pr),
        # a random scorer's PR-AUC is about the tag's prevalence (a little above, for few positives)
        "chance_pr_auc": _json(positives[with_positives].mean() / n_songs
                               if with_positives.any() else np.nan),
    }
    result["above_chance"] = result["macro_roc_auc_lo"] is not None and result["macro_roc_auc_lo"] > 0.5
    result["n_songs"], result["n_tags"] = int(n_songs), int(n_tags)
    per_tag = {tag: {**_summary("roc_auc", roc[t]), **_summary("pr_auc", pr[t]),
                     "positives": int(positives[t]), "prevalence": float(positives[t] / n_songs)}
               for t, tag in enumerate(tags)}
    if thresholds is not None:
        thresholds = np.asarray(thresholds, dtype=float)
        f1 = f1_scores(truth, probs, thresholds)
        result["macro_f1"], result["micro_f1"] = f1["macro_f1"], f1["micro_f1"]
        for t, tag in enumerate(tags):
            per_tag[tag].update(threshold=float(thresholds[t]), f1=f1["f1"][t],
                                precision=f1["precision"][t], recall=f1["recall"][t])
    result["per_tag"] = per_tag
    return result


def paired_bootstrap(truth: np.ndarray, probs_a: np.ndarray, probs_b: np.ndarray, seed: int) -> dict:
    """Run A's macro ROC-AUC minus run B's on the same songs, with its 95 % percentile interval
    and a two-sided bootstrap p-value, both runs scored on the same resamples of songs.

    Returns
    -------
    dict
        ``difference`` (on all songs), ``difference_lo``, ``difference_hi``, ``p_value``
        (``min(1, 2 * min(share of differences <= 0, share >= 0))``) and ``n_songs``.
        Undefined values (no tag with both classes) are ``None``.
    """
    truth, probs_a = _table(truth, probs_a)
    truth, probs_b = _table(truth, probs_b)
    counts = _resample_counts(truth.shape[0], seed)
    # the tags left out of a resample depend on the truth only: the same for both runs
    macro_a, macro_b = (_macro(_per_tag(counts, truth, probs)[0]) for probs in (probs_a, probs_b))
    difference = macro_a - macro_b
    resampled = difference[1:][~np.isnan(difference[1:])]
    lo, hi = percentile_interval(difference[1:])
    p = min(1.0, 2 * min(np.mean(resampled <= 0), np.mean(resampled >= 0))) if resampled.size else np.nan
    return {"difference": _json(difference[0]), "difference_lo": lo, "difference_hi": hi,
            "p_value": _json(p), "n_songs": int(truth.shape[0])}


def best_thresholds(truth: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Per tag, the threshold t among the tag's distinct probabilities that maximises its F1 when
    predicting ``prob >= t``; of equal F1s the largest t (the fewest songs tagged). A tag without
    positives gets the float just above 1.0 (``np.nextafter(1.0, 2.0)``): it tags no song with a
    probability of at most 1, and unlike ``inf`` it is valid JSON.

    Returns
    -------
    np.ndarray of float, shape (n_tags,)
    """
    truth, probs = _table(truth, probs)
    best = np.full(truth.shape[1], np.nextafter(1.0, 2.0))
    for t in np.flatnonzero(truth.any(axis=0)):
        order = np.argsort(-probs[:, t], kind="stable")
        p, pos = probs[order, t], truth[order, t]
        last = np.r_[p[1:] != p[:-1], True]            # the last song of each distinct value
        tagged = np.flatnonzero(last) + 1                 # songs tagged at that value's threshold
        f1 = 2 * np.cumsum(pos)[last] / (tagged + pos.sum())
        best[t] = p[last][np.argmax(f1)]                  # the first maximum: the largest threshold
    return best


def f1_scores(truth: np.ndarray, probs: np.ndarray, thresholds: np.ndarray) -> dict:
    """F1, precision and recall per tag, and macro- and micro-F1, tagging ``prob >= threshold``;
    a zero denominator gives 0 (sklearn's ``zero_division=0``).

    Returns
    -------
    dict
        ``macro_f1``, ``micro_f1`` (floats), ``f1``, ``precision``, ``recall`` (lists per tag).
    """
    truth, probs = _table(truth, probs)
    thresholds = np.asarray(thresholds, dtype=float)
    if thresholds.shape != (truth.shape[1],):
        raise ValueError(f"thresholds {thresholds.shape} for {truth.shape[1]} tags")
    pred = probs >= thresholds[None, :]
    tp = np.sum(truth & pred, axis=0)
    fp, fn = np.sum(~truth & pred, axis=0), np.sum(truth & ~pred, axis=0)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    micro = _ratio(2 * tp.sum(), 2 * tp.sum() + fp.sum() + fn.sum())
    return {"macro_f1": float(f1.mean()), "micro_f1": float(micro), "f1": f1.tolist(),
            "precision": _ratio(tp, tp + fp).tolist(), "recall": _ratio(tp, tp + fn).tolist()}


def _all_songs(truth: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """ROC-AUC and average precision of 1-D `truth` and `scores` on all items, no resampling."""
    truth, scores = np.asarray(truth).astype(bool).ravel(), np.asarray(scores, dtype=float).ravel()
    if truth.shape != scores.shape:
        raise ValueError(f"{truth.size} labels for {scores.size} scores")
    _check_finite(scores)
    roc, ap = _weighted_scores(_resample_counts(truth.size, 0, resamples=0), np.arange(truth.size), scores, truth)
    return float(roc[0]), float(ap[0])


def _check_finite(scores: np.ndarray) -> None:
    """Raise ValueError on NaN or infinite scores (they have no place in a ranking)."""
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores must be finite (no NaN or inf)")


def _table(truth: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`truth` as bool and `probs` as float, both (n_songs, n_tags) of the same shape."""
    truth, probs = np.asarray(truth).astype(bool), np.asarray(probs, dtype=float)
    if truth.ndim != 2 or truth.shape != probs.shape:
        raise ValueError(f"truth {truth.shape} and probabilities {probs.shape}: want the same "
                         "(n_songs, n_tags)")
    if truth.shape[0] == 0:
        raise ValueError("no songs to score")
    _check_finite(probs)
    return truth, probs


def _resample_counts(n: int, seed: int, resamples: int = RESAMPLES) -> np.ndarray:
    """How often each of `n` songs counts: row 0 the songs themselves (all ones), then the
    engine's resamples (`bootstrap.resample_counts`; none for the songs alone). Column 0 is a
    song never drawn (all zeros) and song i is column i + 1, which gives running sums their
    leading zero. int32, shape (1 + resamples, 1 + n)."""
    counts = np.vstack([np.ones((1, n), dtype=np.int32),
                        resample_counts(n, seed, resamples).astype(np.int32)])
    return np.pad(counts, ((0, 0), (1, 0)))


def _weighted_scores(counts: np.ndarray, songs: np.ndarray, scores: np.ndarray,
                     truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ROC-AUC and average precision of items (`scores`, `truth`) of `songs`, once per row of
    `counts` (as `_resample_counts` gives); NaN where a row leaves them undefined.

    A song drawn k times is k tied copies, so both follow from running sums of the weights of
    the negatives and of the positives in score order: one sort serves every row. The sums are
    integers, so the ROC-AUC is exact.
    """
    rows = counts.shape[0]
    roc, ap = np.full(rows, np.nan), np.full(rows, np.nan)
    neg, pos = np.argsort(scores[~truth], kind="stable"), np.argsort(scores[truth], kind="stable")
    neg_scores, pos_scores = scores[~truth][neg], scores[truth][pos]
    # the never-drawn song first: running sums start at 0
    neg_songs, pos_songs = np.r_[0, songs[~truth][neg] + 1], np.r_[0, songs[truth][pos] + 1]
    # for each positive: the negatives below its score, at or below it, and the positives below
    below = np.searchsorted(neg_scores, pos_scores, side="left")
    at_or_below = np.searchsorted(neg_scores, pos_scores, side="right")
    pos_below = np.searchsorted(pos_scores, pos_scores, side="left")
    step = min(rows, max(1, _CHUNK_CELLS // neg_songs.size))
    # contiguous work space, reused by every chunk (numpy's cumsum is fast on contiguous rows)
    drawn, summed = np.empty((2, step, neg_songs.size), dtype=np.int32)
    for first in range(0, rows, step):
        weight = counts[first:first + step]
        n_rows = weight.shape[0]
        np.take(weight, neg_songs, axis=1, out=drawn[:n_rows], mode="clip")
        neg_summed = np.cumsum(drawn[:n_rows], axis=1, out=summed[:n_rows])
        pos_weight = np.take(weight, pos_songs, axis=1)
        pos_summed = np.cumsum(pos_weight, axis=1)
        pos_weight = pos_weight[:, 1:].astype(np.int64)   # its products may pass int32
        n_neg, n_pos = neg_summed[:, -1].astype(np.int64), pos_summed[:, -1].astype(np.int64)
        neg_below = np.take(neg_summed, below, axis=1)
        # twice U: each positive beats the negatives below it and ties half of those at its score
        u2 = np.sum(pos_weight * (neg_below + np.take(neg_summed, at_or_below, axis=1)), axis=1)
        # the precision at each positive's score as threshold (tag >= it)
        true_pos = n_pos[:, None] - np.take(pos_summed, pos_below, axis=1)
        tagged = true_pos + (n_neg[:, None] - neg_below)
        gain = np.sum(pos_weight * (true_pos / np.maximum(tagged, 1)), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            both = (n_pos > 0) & (n_neg > 0)
            roc[first:first + n_rows] = np.where(both, u2 / (2 * n_pos * n_neg), np.nan)
            ap[first:first + n_rows] = np.where(n_pos > 0, gain / n_pos, np.nan)
    return roc, ap


def _per_tag(counts: np.ndarray, truth: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ROC-AUC and average precision of each tag in each row of `counts`: (n_tags, rows) each."""
    songs = np.arange(truth.shape[0])
    roc, ap = np.empty((2, truth.shape[1], counts.shape[0]))
    for t in range(truth.shape[1]):
        roc[t], ap[t] = _weighted_scores(counts, songs, probs[:, t], truth[:, t])
    return roc, ap


def _micro(counts: np.ndarray, truth: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ROC-AUC and average precision of all (song, tag) cells pooled, in each row of `counts`."""
    songs = np.repeat(np.arange(truth.shape[0]), truth.shape[1])
    return _weighted_scores(counts, songs, probs.ravel(), truth.ravel())


def _macro(values: np.ndarray) -> np.ndarray:
    """The mean over tags (axis 0) of the defined values; NaN where none is."""
    defined = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        return np.where(defined, values, 0.0).sum(axis=0) / defined.sum(axis=0)


def _summary(name: str, values: np.ndarray) -> dict:
    """``name``, ``name_lo``, ``name_hi`` from the value on all songs (values[0]) and the
    resamples (values[1:])."""
    lo, hi = percentile_interval(values[1:])
    return {name: _json(values[0]), f"{name}_lo": lo, f"{name}_hi": hi}


def _json(value: float) -> float | None:
    """A plain float, or None for NaN."""
    return None if np.isnan(value) else float(value)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0."""
    numerator, denominator = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)
