"""How runs are combined on their song probabilities (`fuse.method`), the combination learnt on
songs it is never scored on: `select` (the mean of a greedy forward selection, Caruana et al.,
2004), `mean` (every run) or `stack` (a logistic regression on them side by side); with k folds,
each fold combined as learnt on the other folds (nested). The fuse stage scores the result like a
run (`pipeline.fuse`)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Combination:
    """A learnt combination of runs, in numbers a file can hold (the fusion's model folder):
    the mean of `members`' song probabilities, or (`stack`) a logistic regression on them side by
    side: `coef`, `intercept` and the output columns it knows (`columns`)."""

    members: tuple[str, ...]
    stack: dict | None = None  # {"coef": [[...]], "intercept": [...], "columns": [...]}

    def apply(self, probs: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """The fused probabilities of songs: `probs` (len(names), n_songs, n_classes) holds the
        song probabilities of runs `names`, of which `members` are taken in their order."""
        x = probs[[list(names).index(m) for m in self.members]]
        if self.stack is None:
            return x.mean(axis=0)
        fused = np.zeros(x.shape[1:])
        fused[:, self.stack["columns"]] = _regression(self.stack).predict_proba(_side_by_side(x))
        return fused

    def to_dict(self) -> dict:
        return {"members": list(self.members), "stack": self.stack}

    @classmethod
    def from_dict(cls, record: dict) -> Combination:
        return cls(tuple(record["members"]), record["stack"])


# (probabilities of the songs it learns on, their labels, run names, seed) -> the combination
Fit = Callable[[np.ndarray, np.ndarray, list[str], int], Combination]


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


def fit_select(probs: np.ndarray, truth: np.ndarray, names: list[str], seed: int) -> Combination:
    """The mean of the greedily selected runs."""
    return Combination(tuple(greedy_selection(dict(zip(names, probs, strict=True)), truth)))


def fit_mean(probs: np.ndarray, truth: np.ndarray, names: list[str], seed: int) -> Combination:
    """The mean of every run."""
    return Combination(tuple(names))


def fit_stack(probs: np.ndarray, truth: np.ndarray, names: list[str], seed: int) -> Combination:
    """A multinomial logistic regression (C = 1) on every run's probabilities side by side; where
    the labels hold a single class there is nothing to learn and the runs are averaged."""
    from sklearn.linear_model import LogisticRegression

    if len(np.unique(truth)) < 2:
        log.warning("stack: the songs it learns on hold one class; averaging the runs instead")
        return fit_mean(probs, truth, names, seed)
    model = LogisticRegression(C=1.0, max_iter=5000, random_state=seed).fit(_side_by_side(probs), truth)
    return Combination(tuple(names), {"coef": model.coef_.tolist(), "intercept": model.intercept_.tolist(),
                                      "columns": model.classes_.tolist()})


def _regression(stack: dict):
    """The fitted logistic regression back from its numbers (scikit-learn computes the
    probabilities, as when it was fitted)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression()
    model.coef_ = np.asarray(stack["coef"], dtype=np.float64)
    model.intercept_ = np.asarray(stack["intercept"], dtype=np.float64)
    model.classes_ = np.asarray(stack["columns"])
    model.n_features_in_ = model.coef_.shape[1]
    return model


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
        combination = fit(probs[:, ~inside], truth[~inside], names, seed)
        fused[inside] = combination.apply(probs[:, inside], names)
        used[fold] = list(combination.members)
    return fused, used


@dataclass
class Fused:
    """What the fuse stage learnt: every song's fused probabilities (k-fold: nested), the runs
    used (k-fold: the most used first), the runs each fold used (k-fold; else None), what the
    combination was learnt on, and the combination a model applies to new songs."""

    probs: np.ndarray
    used: list[str]
    per_fold: dict[str, list[str]] | None
    learnt_on: str
    combination: Combination


def combine(method: str, probs: np.ndarray, truth: np.ndarray, splits: Sequence[str],
            names: list[str], seed: int, kfold: bool) -> Fused:
    """Fuse every song by `method` (a key of METHODS). `probs`: (n_runs, n_songs, n_outputs);
    `truth`: what the method learns. With k folds, each fold is combined as learnt on the other
    folds, and the model's combination is learnt on every song's cross-validated predictions."""
    fit = METHODS[method]
    if kfold:
        fused, used = nested(fit, probs, truth, splits, names, seed)
        return Fused(fused, _most_used(used), used,
                     "for each fold, the other folds' cross-validated predictions",
                     fit(probs, truth, names, seed))
    valid = np.array([s == "valid" for s in splits])
    if valid.any():
        combination, learnt_on = fit(probs[:, valid], truth[valid], names, seed), "valid"
    else:  # no valid songs (dataset.ratios.valid: 0): nothing to learn on, every run is averaged
        combination, learnt_on = fit_mean(probs, truth, names, seed), "nothing (no valid songs)"
    return Fused(combination.apply(probs, names), list(combination.members), None, learnt_on, combination)


def _most_used(used: dict[str, list[str]]) -> list[str]:
    """The runs any fold used, the most used first (then by name)."""
    counts = Counter(name for names in used.values() for name in names)
    return sorted(counts, key=lambda n: (-counts[n], n))
