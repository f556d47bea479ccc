"""How runs are combined on their song probabilities (`fuse.method`), the combination learnt on
songs it is never scored on: `select` (the mean of a greedy forward selection, Caruana et al.,
2004), `mean` (every run) or `stack` (a logistic regression on them side by side); with k folds,
each fold combined as learnt on the other folds (nested). The fuse stage scores the result like a
run (`pipeline.fuse`)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

log = logging.getLogger(__name__)

# (n_runs, n_songs, n_classes) probabilities -> (n_songs, n_classes)
Combine = Callable[[np.ndarray], np.ndarray]
# (probabilities of the songs it learns on, their labels, run names, seed) -> (combine, runs used)
Fit = Callable[[np.ndarray, np.ndarray, list[str], int], tuple[Combine, list[str]]]


def greedy_selection(candidates: dict[str, np.ndarray], truth: np.ndarray) -> list[str]:
    """Runs chosen by greedy forward selection on song accuracy of the averaged probabilities;
    ties go to the higher mean probability of the true class, then to the name."""
    def merit(names: list[str]) -> tuple[float, float]:
        probs = np.mean([candidates[n] for n in names], axis=0)
        return (float(np.mean(probs.argmax(axis=1) == truth)),
                float(np.mean(probs[np.arange(len(truth)), truth])))

    chosen: list[str] = []
    best = (-1.0, -1.0)
    while True:
        trials = {n: merit(chosen + [n]) for n in sorted(candidates) if n not in chosen}
        if not trials:
            return chosen
        name = max(trials, key=lambda n: (trials[n], -sorted(candidates).index(n)))
        if trials[name] <= best:
            return chosen
        chosen.append(name)
        best = trials[name]


def fit_select(probs: np.ndarray, truth: np.ndarray, names: list[str], seed: int
               ) -> tuple[Combine, list[str]]:
    """The mean of the greedily selected runs."""
    chosen = greedy_selection(dict(zip(names, probs, strict=True)), truth)
    picked = [names.index(n) for n in chosen]
    return (lambda x: x[picked].mean(axis=0)), chosen


def fit_mean(probs: np.ndarray, truth: np.ndarray, names: list[str], seed: int
             ) -> tuple[Combine, list[str]]:
    """The mean of every run."""
    return (lambda x: x.mean(axis=0)), list(names)


def fit_stack(probs: np.ndarray, truth: np.ndarray, names: list[str], seed: int
              ) -> tuple[Combine, list[str]]:
    """A multinomial logistic regression (C = 1) on every run's probabilities side by side; where
    the labels hold a single class there is nothing to learn and the runs are averaged."""
    from sklearn.linear_model import LogisticRegression

    if len(np.unique(truth)) < 2:
        log.warning("stack: the songs it learns on hold one class; averaging the runs instead")
        return fit_mean(probs, truth, names, seed)
    model = LogisticRegression(C=1.0, max_iter=5000, random_state=seed).fit(_side_by_side(probs), truth)

    def combine(x: np.ndarray) -> np.ndarray:
        fused = np.zeros(x.shape[1:])
        fused[:, model.classes_] = model.predict_proba(_side_by_side(x))
        return fused

    return combine, list(names)


def _side_by_side(probs: np.ndarray) -> np.ndarray:
    """(n_runs, n_songs, n_classes) -> (n_songs, n_runs * n_classes)."""
    return np.transpose(probs, (1, 0, 2)).reshape(probs.shape[1], -1)


METHODS: dict[str, Fit] = {"select": fit_select, "mean": fit_mean, "stack": fit_stack}


def nested(fit: Fit, probs: np.ndarray, truth: np.ndarray, folds: Sequence[str], names: list[str],
           seed: int) -> tuple[np.ndarray, dict[str, list[str]]]:
    """Each fold's songs combined as `fit` learnt it on the other folds' songs.

    Returns
    -------
    (fused probabilities of every song, the runs used for each fold)
    """
    folds = np.asarray(folds)
    fused = np.zeros(probs.shape[1:])
    used = {}
    for fold in sorted(set(folds)):
        inside = folds == fold
        combine, used[fold] = fit(probs[:, ~inside], truth[~inside], names, seed)
        fused[inside] = combine(probs[:, inside])
    return fused, used


def combine(method: str, probs: np.ndarray, truth: np.ndarray, splits: Sequence[str],
            names: list[str], seed: int, kfold: bool) -> tuple[np.ndarray, list[str], dict | None, str]:
    """Every song's fused probabilities by `method` (a key of METHODS), the runs used (k-fold:
    the most used first), the runs each fold used (k-fold; else None) and what the combination
    was learnt on. `probs`: (n_runs, n_songs, n_outputs); `truth`: what the method learns."""
    fit = METHODS[method]
    if kfold:
        fused, used = nested(fit, probs, truth, splits, names, seed)
        return fused, _most_used(used), used, "for each fold, the other folds' cross-validated predictions"
    valid = np.array([s == "valid" for s in splits])
    if valid.any():
        combination, chosen = fit(probs[:, valid], truth[valid], names, seed)
        learnt_on = "valid"
    else:  # no valid songs (dataset.ratios.valid: 0): nothing to learn on, every run is averaged
        (combination, chosen), learnt_on = fit_mean(probs, truth, names, seed), "nothing (no valid songs)"
    return combination(probs), chosen, None, learnt_on


def _most_used(used: dict[str, list[str]]) -> list[str]:
    """The runs any fold used, the most used first (then by name)."""
    counts = Counter(name for names in used.values() for name in names)
    return sorted(counts, key=lambda n: (-counts[n], n))
