"""How a tagger (or a fusion of taggers) is scored: ROC-AUC and PR-AUC per tag, macro and micro,
with bootstrap intervals over songs (`stats.multi_label`), and the decision threshold of each tag.

Valid chooses and test records, as for genres. A tag's threshold (a song has the tag when its
probability reaches it) maximises the tag's F1 on the valid songs; in k-fold mode each fold's
songs are decided with the thresholds that maximise F1 on the other folds' cross-validated
predictions, and the thresholds `genrepipe predict` uses come from all of them. A run whose macro
ROC-AUC interval (on the songs it is chosen on) reaches 0.5 is marked `above_chance: false`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..stats.multi_label import best_thresholds, f1_scores, macro_roc_auc, tag_scores
from ..stats.single_label import fold_interval

DEFAULT_THRESHOLD = 0.5  # when there are no songs to choose thresholds on (dataset.ratios.valid: 0)


def score_tagger(truth: np.ndarray, probs: np.ndarray, splits: Sequence[str], tags: Sequence[str],
                 seed: int) -> tuple[dict, np.ndarray]:
    """A tagger's scores (or a fusion's) from every scored song's truth, probabilities and split
    (valid / test, or folds), and each song's decided tags (0/1, by the thresholds above)."""
    splits = np.asarray(splits)
    folds = sorted(set(splits) - {"valid", "test"})
    if folds:  # k-fold: each fold decided by thresholds learnt on the others
        decided = np.zeros_like(truth)
        for fold in folds:
            inside = splits == fold
            decided[inside] = probs[inside] >= best_thresholds(truth[~inside], probs[~inside])
        thresholds = best_thresholds(truth, probs)
        test = tag_scores(truth, probs, tags, seed)
        _add_f1(test, truth, decided, tags)
        for tag, threshold in zip(tags, thresholds, strict=True):  # those predict uses
            test["per_tag"][tag]["threshold"] = float(threshold)
        per_fold = [macro_roc_auc(truth[splits == f], probs[splits == f]) for f in folds]
        spread = fold_interval([v for v in per_fold if v is not None])
        metrics = {"test": test,
                   "folds": {"k": len(folds), **{f"macro_roc_auc_{k}": v for k, v in spread.items()}},
                   "thresholds_from": "for each fold, the other folds' cross-validated predictions "
                                      "(predict: all of them)"}
    else:
        valid = splits == "valid"
        thresholds = (best_thresholds(truth[valid], probs[valid]) if valid.any()
                      else np.full(len(tags), DEFAULT_THRESHOLD))
        decided = (probs >= thresholds).astype(truth.dtype)
        metrics = {**{split: tag_scores(truth[splits == split], probs[splits == split], tags, seed,
                                        thresholds)
                      for split in ("valid", "test") if (splits == split).any()},
                   "thresholds_from": "valid" if valid.any() else f"none (no valid songs: {DEFAULT_THRESHOLD})"}
    metrics["thresholds"] = {tag: float(t) for tag, t in zip(tags, thresholds, strict=True)}
    return metrics, decided


def _add_f1(scores: dict, truth: np.ndarray, decided: np.ndarray, tags: Sequence[str]) -> None:
    """F1 of already decided tags (0/1) into `scores`, like `tag_scores` with thresholds."""
    f1 = f1_scores(truth, decided.astype(float), np.full(len(tags), 0.5))
    scores["macro_f1"], scores["micro_f1"] = f1["macro_f1"], f1["micro_f1"]
    for t, tag in enumerate(tags):
        scores["per_tag"][tag].update(f1=f1["f1"][t], precision=f1["precision"][t],
                                      recall=f1["recall"][t])
