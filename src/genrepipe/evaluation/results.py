"""Every run-results file in one place: names, columns, writers and readers.

A run `<run>` (an evaluate stage, or the fuse stage's `fusion`) leaves in its results folder
(`metrics/runs/`, the fusion in `metrics/`):

- `<run>.json`: its headline, the only file declared as a DVC metric, with the same keys in every
  run's file so `dvc metrics show` prints one run per line: `valid_song_acc` and
  `test_song_acc`, the song accuracies (k-fold: `cv_song_acc`, every song tested once);
- `<run>/scores.json`: every score: song and window accuracy with their exact 95 % intervals,
  macro-F1 with a bootstrap interval, recall and support per class, the chance rate, per-fold
  spread (what the report, the fusion and `genrepipe predict` read);
- `<run>/songs.csv`: every song's split, label, prediction and class probabilities `p_<class>`;
- `<run>/info.json`: run, model, transform and classes;
- `<run>/reliability.json` and `reliability.png`: the reliability diagram of the record songs,
  raw and calibrated (`evaluation.calibration`; a tagger's: every (song, tag) probability,
  raw); a genre run's scores.json has
  `calibration` (the temperature and what it was learnt on) and, per split, the ECE and Brier
  score before (`ece`, `brier`) and after (`*_calibrated`) with intervals, and their change.

A tagger (`dataset.task: multilabel`) leaves the same files: its headline keys are
`valid_macro_roc_auc` and `test_macro_roc_auc` (k-fold: `cv_macro_roc_auc`); scores.json has
`task: multilabel`, ROC-AUC / PR-AUC per tag, macro and micro with intervals, F1 and the decision
threshold per tag (`thresholds`); songs.csv's `label` holds a song's tags and `predicted` the tags
decided for it (`;`-separated), `p_<tag>` the probabilities; info.json has `task` and the tags as
`classes`.

The report stage writes `metrics/headline.json`, keys unique across the project so `dvc exp show`
shows the answer in a few columns: the fusion's and the best run's scores, the best run's name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.store import read_csv, read_json, write_csv, write_json

SCORES, SONGS, INFO = "scores.json", "songs.csv", "info.json"
CONFUSION, CONFUSION_PNG = "confusion.json", "confusion.png"
RELIABILITY, RELIABILITY_PNG = "reliability.json", "reliability.png"
HEADLINE = "headline.json"
FUSION = "fusion"
SCORED_SPLITS = ("valid", "test")  # the splits a run is scored on (train: what it learnt)
SONG_COLUMNS = ("split", "song_id", "label", "predicted")


def is_kfold(scores: dict) -> bool:
    """Scores of a k-fold run: every song tested once by a fold model (no valid split)."""
    return "folds" in scores


def chosen_on(scores: dict) -> tuple[str, dict]:
    """The split a run is chosen on and its scores: valid, or (k-fold, or no valid songs) the
    pooled test scores, labelled `cross-validated` for k-fold."""
    if "valid" in scores:
        return "valid", scores["valid"]
    return ("cross-validated" if is_kfold(scores) else "test"), scores["test"]


def headline(scores: dict, task) -> dict:
    """A run's `<run>.json`: its headline score (`task`'s: song accuracy, a tagger's macro
    ROC-AUC) on each split it was scored on."""
    key, suffix = task.headline_key, task.headline_suffix
    if is_kfold(scores):
        return {f"cv{suffix}": scores["test"][key]}
    return {f"{split}{suffix}": scores[split][key] for split in SCORED_SPLITS if split in scores}


def probability_columns(classes: Sequence[str]) -> list[str]:
    return [f"p_{c}" for c in classes]


def song_row(split: str, song_id: str, label: str, predicted: str, classes: Sequence[str],
             probs: np.ndarray) -> dict:
    """One row of songs.csv: the song's label (a tagger's: its tags), what was predicted (the
    class, or the tags decided) and every class's probability."""
    return {"split": split, "song_id": song_id, "label": label, "predicted": predicted,
            **{f"p_{c}": f"{p:.9f}" for c, p in zip(classes, probs, strict=True)}}


def probabilities(rows: list[dict], classes: Sequence[str], split: str | None = None) -> np.ndarray:
    """The song probabilities of `rows` of `split` (None: all rows), shape (n_songs, n_classes)."""
    return np.array([[float(r[column]) for column in probability_columns(classes)] for r in rows
                     if split is None or r["split"] == split])


def write_results(folder: str | Path, name: str, scores: dict, songs: Iterable[dict],
                  info: dict, task) -> None:
    """Write run `name`'s headline (of `task`), scores, songs.csv and info.json under `folder`."""
    folder = Path(folder)
    (folder / name).mkdir(parents=True, exist_ok=True)
    write_json(folder / name / SCORES, scores)
    write_csv(folder / name / SONGS, (*SONG_COLUMNS, *probability_columns(info["classes"])), songs)
    write_json(folder / name / INFO, info)
    write_json(folder / f"{name}.json", headline(scores, task))


@dataclass
class RunResults:
    """What a run left: its scores, description and per-song predictions."""

    name: str
    scores: dict
    info: dict
    songs: list[dict]

    @property
    def classes(self) -> list[str]:
        return self.info["classes"]


def read_scores(folder: str | Path, name: str) -> dict:
    return read_json(Path(folder) / name / SCORES, what=f"the scores of run {name!r}")


def read_results(folder: str | Path, name: str) -> RunResults:
    """Run `name`'s results under `folder`; a missing or damaged file fails in one line."""
    folder = Path(folder)
    return RunResults(name, read_scores(folder, name),
                      read_json(folder / name / INFO, what=f"the description of run {name!r}"),
                      read_csv(folder / name / SONGS, what=f"the song predictions of run {name!r}",
                               columns=SONG_COLUMNS))


def has_results(folder: str | Path, name: str) -> bool:
    return (Path(folder) / name / SCORES).is_file()


def project_headline(best: RunResults, fusion: RunResults | None, task) -> dict:
    """`metrics/headline.json`: the fusion's and the best run's song accuracies (taggers: macro
    ROC-AUC; k-fold: the cross-validated ones) and the best run's name, under keys no run file
    uses."""
    out: dict = {}
    for prefix, run in (("fusion", fusion), ("best", best)):
        if run is not None:
            out.update({f"{prefix}_{key.removesuffix(task.headline_suffix)}": value
                        for key, value in headline(run.scores, task).items()})
    out["best_run"] = best.name
    return out
