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
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..core.errors import DataError, parameter_error
from ..evaluation.fusion import combine
from ..evaluation.calibration import add_calibration, write_reliability
from ..evaluation.fusion_model import WITHIN_VALID_FOLDS, within_valid, write_fusion_model
from ..evaluation.results import FUSION, chosen_on, is_kfold, probabilities, read_results, write_results
from ..evaluation.tasks.lookup import task_of_record
from ..core.store import staging_dir
from ..novelty.record import copy_record
from ..reporting.model_card import CARD, fusion_card

log = logging.getLogger(__name__)


def fuse_runs(runs_dir: str | Path, runs: Sequence[str], out_dir: str | Path, seed: int,
              method: str = "select", model_dir: str | Path | None = None,
              novelty: str | Path | None = None) -> dict:
    """Fuse the runs `runs` of `runs_dir` by `method` (a key of `evaluation.fusion.METHODS`;
    their task may say otherwise: taggers are averaged); write `out_dir/fusion.json` and
    `out_dir/fusion/` like a run's results (`genrepipe.evaluation.results`), the fusion as a
    model in `model_dir` (`evaluation.fusion_model`) with its `MODEL_CARD.md` (which states
    the novelty stage's threshold, read from `novelty`), and return the scores."""
    runs_dir, out_dir = Path(runs_dir), Path(out_dir)
    if not runs:
        raise parameter_error("runs", {}, "is empty", "at least one run to fuse")
    results = {name: read_results(runs_dir, name) for name in runs}
    tasks = {name: task_of_record(r.scores) for name, r in results.items()}
    task = tasks[runs[0]]
    other = sorted(n for n, t in tasks.items() if t is not task)
    if other:
        raise DataError(f"runs {', '.join(other)} are of another task than {runs[0]!r} "
                        f"({task.what}); the fusion combines runs of one task")
    names = list(results)
    classes = results[names[0]].classes
    differ = [n for n, r in results.items() if r.classes != classes]
    if differ:
        raise DataError(f"runs {', '.join(differ)} have other classes than {runs[0]!r}; the fusion "
                        "combines runs over the same classes")
    first = results[names[0]].songs
    order = [(r["split"], r["song_id"]) for r in first]
    for name, r in results.items():
        if [(row["split"], row["song_id"]) for row in r.songs] != order:
            raise DataError(f"run {name!r} predicted other songs than {runs[0]!r}; re-run `dvc repro`")
    splits = [r["split"] for r in first]
    probs = np.stack([probabilities(results[n].songs, classes, None) for n in names])
    truth = task.truth_of_rows(first, classes)
    method = task.fusion_method(method, len(names))
    kfold = is_kfold(results[names[0]].scores)
    fused = combine(method, probs, truth, splits, names, seed, kfold)
    scores, decided = task.score(truth, fused.probs, splits, classes, seed)
    valid = np.array([s == "valid" for s in splits])
    # learnt on valid: its valid songs again, each part combined as learnt on the others
    inner = within_valid(method, probs[:, valid], truth[valid], names, seed) if valid.any() else None
    scores, calibration = add_calibration(scores, task, truth, fused.probs, splits, seed, inner)
    metrics = {"method": method, "runs": fused.used,
               **({"runs_per_fold": fused.per_fold} if fused.per_fold else {}), **scores}
    log.info("fusion (%s) of %s, learnt on %s", method, " + ".join(fused.used), fused.learnt_on)
    write_results(out_dir, FUSION, metrics,
                  task.song_rows(splits, [r["song_id"] for r in first], truth, decided, fused.probs, classes),
                  {"run": FUSION, "model": f"fusion ({method})", "transform": " + ".join(fused.used),
                   "classes": classes, **task.meta_fields()}, task)
    split, chosen = chosen_on(metrics)
    log.info("fusion (%s) of %s: %s %.3f [%.3f, %.3f] (%s)", method, " + ".join(fused.used),
             task.headline_name, chosen[task.headline_key], chosen[task.headline_key + "_lo"],
             chosen[task.headline_key + "_hi"], split)
    write_reliability(out_dir / FUSION, truth, fused.probs, calibration, splits,
                      f"fusion ({method}): " + ("all songs, nested" if kfold else "test songs"))
    if model_dir is not None:
        record = _model_record(task, method, names, classes, fused, metrics, inner, truth[valid], seed, kfold)
        with staging_dir(model_dir) as stage:
            write_fusion_model(stage, record)
            detector = copy_record(novelty, stage)
            card = fusion_card(record, metrics, task, results[names[0]].info.get("dataset"), detector)
            (stage / CARD).write_text(card, encoding="utf-8")
    return metrics


def _model_record(task, method: str, names: list[str], classes: list[str], fused, metrics: dict,
                  inner: np.ndarray | None, valid_truth: np.ndarray, seed: int, kfold: bool) -> dict:
    """The fusion's model folder record: how to apply it, how it was learnt, how well it did, its
    temperature and the score `genrepipe predict` chooses it by (never one learnt on the songs it
    scores: learnt on valid, it is scored on `inner`, the within-valid predictions)."""
    split, chosen = chosen_on(metrics)
    on, score = split, chosen[task.headline_key]
    if split == "valid":  # learnt on valid: its valid score is optimistic; estimate it within valid
        on = f"valid, in {WITHIN_VALID_FOLDS} parts each combined as learnt on the others"
        score = task.headline_of(valid_truth, inner)
    choice = {"on": on, "score": score, "above_chance": chosen.get("above_chance", True)}
    return {
        "run": FUSION, "method": method, "candidates": names,
        "combination": fused.combination.to_dict(), "classes": classes, **task.meta_fields(),
        "learnt_on": "every song's cross-validated predictions" if kfold else fused.learnt_on,
        "members_predict_with": ("the mean of each member's fold models" if kfold
                                 else "each member's model"),
        "seed": seed, "choice": choice,
        "scores": {s: {k: metrics[s][k] for k in (task.headline_key, task.headline_key + "_lo",
                                                  task.headline_key + "_hi") if k in metrics[s]}
                   for s in ("valid", "test") if s in metrics},
        **({"thresholds": metrics["thresholds"]} if "thresholds" in metrics else {}),
        **({"calibration": metrics["calibration"]} if "calibration" in metrics else {}),
    }
