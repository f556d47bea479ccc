"""The fuse stage: the runs combined by averaging their song probabilities, the runs chosen on
valid, never on test.

Different representations err on different songs; averaging the class probabilities of several
runs can be right where each alone is not. Which runs to average is decided by greedy forward
selection on the valid songs (Caruana et al., 2004, without replacement): start from the best
run on valid, add the run that raises valid song accuracy most, stop when none does. With k folds
the selection uses the cross-validated predictions (there is no untouched test set then). The
fusion is scored like a run (valid and test, bootstrap intervals) and reported as its own row.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import DataError, parameter_error
from ..metrics import fold_scores, song_scores
from ..results import FUSION, is_kfold, probabilities, read_results, song_row, write_results

log = logging.getLogger(__name__)


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


def fuse_runs(runs_dir: str | Path, runs: Sequence[str], out_dir: str | Path, seed: int) -> dict:
    """Fuse the runs `runs` of `runs_dir`; write `out_dir/fusion.json` and `out_dir/fusion/`
    like a run's results (`genrepipe.results`), and return the scores."""
    runs_dir, out_dir = Path(runs_dir), Path(out_dir)
    if not runs:
        raise parameter_error("runs", {}, "is empty", "at least one run to fuse")
    results = {name: read_results(runs_dir, name) for name in runs}
    loaded = {name: (r.classes, r.songs) for name, r in results.items()}
    classes = next(iter(loaded.values()))[0]
    differ = [n for n, (c, _) in loaded.items() if c != classes]
    if differ:
        raise DataError(f"runs {', '.join(differ)} have other classes than {runs[0]!r}; the fusion "
                        "averages runs over the same classes")
    first = next(iter(loaded.values()))[1]
    kfold = is_kfold(results[runs[0]].scores)
    chooser = None if kfold else "valid"
    index = {c: i for i, c in enumerate(classes)}
    order = [(r["split"], r["song_id"]) for r in first]
    for name, (_, rows) in loaded.items():
        if [(r["split"], r["song_id"]) for r in rows] != order:
            raise DataError(f"run {name!r} predicted other songs than {runs[0]!r}; re-run `dvc repro`")
    truth = np.array([index[r["label"]] for r in first if chooser is None or r["split"] == chooser])
    if len(truth):
        chosen = greedy_selection({n: probabilities(rows, classes, chooser)
                                   for n, (_, rows) in loaded.items()}, truth)
    else:  # no valid songs (dataset.ratios.valid: 0): nothing to choose on, every run is averaged
        chosen, chooser = sorted(loaded), "nothing (no valid songs: every run)"
    log.info("fusion of %s (chosen on %s)", " + ".join(chosen), chooser or "the cross-validated predictions")
    fused = np.mean([probabilities(loaded[n][1], classes, None) for n in chosen], axis=0)
    labels = np.array([index[r["label"]] for r in first])
    if kfold:
        metrics = {"runs": chosen, "test": song_scores(labels, fused, classes, seed),
                   "folds": fold_scores(labels, fused.argmax(axis=1), [r["split"] for r in first], classes)}
    else:
        metrics = {"runs": chosen}
        for split in ("valid", "test"):
            rows = np.array([r["split"] == split for r in first])
            if rows.any():
                metrics[split] = song_scores(labels[rows], fused[rows], classes, seed)
    write_results(out_dir, FUSION, metrics,
                  (song_row(r["split"], r["song_id"], r["label"], classes, p)
                   for r, p in zip(first, fused, strict=True)),
                  {"run": FUSION, "model": FUSION, "transform": " + ".join(chosen), "classes": classes})
    return metrics
