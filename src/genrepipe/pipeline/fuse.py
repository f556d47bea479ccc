"""The fuse stage: the runs combined on their song probabilities, the combination learnt on songs
it is never scored on.

Different representations err on different songs; combining the class probabilities of several
runs can be right where each alone is not. Three methods (`fuse.method`), over the runs named in
`fuse.runs` (null: every run):

- `select`: average the runs chosen by greedy forward selection (Caruana et al., 2004, without
  replacement): start from the best run, add the run that raises song accuracy most, stop when
  none does;
- `mean`: average them all; nothing is chosen;
- `stack`: a logistic regression on the runs' probabilities side by side (Wolpert's stacked
  generalisation), learnt on songs with known labels.

What the combination is learnt on: with a train / valid / test split, the valid songs (it is then
scored on valid, optimistically, and on test, honestly); with k folds, for each fold the other
folds' cross-validated predictions, then applied to that fold's songs (nested: no fold's songs
help choose their own combination, so the cross-validated score is honest). The fusion is scored
like a run (intervals, folds) and reported as its own row.

Taggers (`dataset.task: multilabel`) are averaged, whatever `fuse.method` says (one log line
says so): their tag probabilities' mean, scored and thresholded like a tagger (`tag_scoring`).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..core.errors import DataError, parameter_error
from ..evaluation.results import (FUSION, MULTILABEL, is_kfold, is_tagger, probabilities, read_results,
                                  song_row, tag_row, tag_truth, write_results)
from ..evaluation.tag_scoring import score_tagger
from ..stats.single_label import fold_scores, song_scores

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


def fuse_runs(runs_dir: str | Path, runs: Sequence[str], out_dir: str | Path, seed: int,
              method: str = "select") -> dict:
    """Fuse the runs `runs` of `runs_dir` by `method` (a key of METHODS); write
    `out_dir/fusion.json` and `out_dir/fusion/` like a run's results (`genrepipe.evaluation.results`), and
    return the scores."""
    runs_dir, out_dir = Path(runs_dir), Path(out_dir)
    if not runs:
        raise parameter_error("runs", {}, "is empty", "at least one run to fuse")
    results = {name: read_results(runs_dir, name) for name in runs}
    taggers = [name for name, r in results.items() if is_tagger(r.scores)]
    if taggers:
        if len(taggers) != len(results):
            raise DataError(f"runs {', '.join(sorted(set(results) - set(taggers)))} are genre runs, "
                            f"{', '.join(taggers)} taggers; the fusion combines runs of one task")
        if method != "mean":
            log.info("fuse.method=%r combines genre runs; %s averaged (mean)", method,
                     "the tagger is" if len(taggers) == 1 else f"the {len(taggers)} taggers are")
    loaded = {name: (r.classes, r.songs) for name, r in results.items()}
    names = list(loaded)
    classes = loaded[names[0]][0]
    differ = [n for n, (c, _) in loaded.items() if c != classes]
    if differ:
        raise DataError(f"runs {', '.join(differ)} have other classes than {runs[0]!r}; the fusion "
                        "combines runs over the same classes")
    first = loaded[names[0]][1]
    order = [(r["split"], r["song_id"]) for r in first]
    for name, (_, rows) in loaded.items():
        if [(r["split"], r["song_id"]) for r in rows] != order:
            raise DataError(f"run {name!r} predicted other songs than {runs[0]!r}; re-run `dvc repro`")
    splits = [r["split"] for r in first]
    probs = np.stack([probabilities(loaded[n][1], classes, None) for n in names])
    if taggers:
        return _fuse_taggers(probs, first, splits, classes, names, out_dir, seed)
    index = {c: i for i, c in enumerate(classes)}
    labels = np.array([index[r["label"]] for r in first])
    fit = METHODS[method]
    if is_kfold(results[names[0]].scores):
        fused, used = nested(fit, probs, labels, splits, names, seed)
        metrics = {"method": method, "runs": _most_used(used), "runs_per_fold": used,
                   "test": song_scores(labels, fused, classes, seed),
                   "folds": fold_scores(labels, fused.argmax(axis=1), splits, classes)}
        learnt_on = "for each fold, the other folds' cross-validated predictions"
    else:
        valid = np.array([s == "valid" for s in splits])
        if valid.any():
            combine, chosen = fit(probs[:, valid], labels[valid], names, seed)
            learnt_on = "valid"
        else:  # no valid songs (dataset.ratios.valid: 0): nothing to learn on, every run is averaged
            (combine, chosen), learnt_on = fit_mean(probs, labels, names, seed), "nothing (no valid songs)"
        fused = combine(probs)
        metrics = {"method": method, "runs": chosen}
        for split in ("valid", "test"):
            rows = np.array([s == split for s in splits])
            if rows.any():
                metrics[split] = song_scores(labels[rows], fused[rows], classes, seed)
    log.info("fusion (%s) of %s, learnt on %s", method, " + ".join(metrics["runs"]), learnt_on)
    write_results(out_dir, FUSION, metrics,
                  (song_row(r["split"], r["song_id"], r["label"], classes, p)
                   for r, p in zip(first, fused, strict=True)),
                  {"run": FUSION, "model": f"fusion ({method})",
                   "transform": " + ".join(metrics["runs"]), "classes": classes})
    return metrics


def _fuse_taggers(probs: np.ndarray, first: list[dict], splits: list[str], tags: list[str],
                  names: list[str], out_dir: Path, seed: int) -> dict:
    """The mean of taggers' song probabilities (`probs`: run, song, tag), scored like a tagger."""
    truth = tag_truth(first, tags)
    fused = probs.mean(axis=0)
    metrics, decided = score_tagger(truth, fused, splits, tags, seed)
    metrics = {"method": "mean", "runs": names, **metrics}
    log.info("fusion (mean) of %d taggers: %s", len(names), " + ".join(names))
    write_results(out_dir, FUSION, metrics,
                  (tag_row(r["split"], r["song_id"], tags, t, d, p)
                   for r, t, d, p in zip(first, truth, decided, fused, strict=True)),
                  {"run": FUSION, "model": "fusion (mean)", "transform": " + ".join(names),
                   "classes": tags, "task": MULTILABEL})
    return metrics


def _most_used(used: dict[str, list[str]]) -> list[str]:
    """The runs any fold used, the most used first (then by name)."""
    counts = Counter(name for names in used.values() for name in names)
    return sorted(counts, key=lambda n: (-counts[n], n))
