"""The evaluate stage: score a trained run on its valid and test songs, per window and per song.

A song's prediction is the mean of its windows' probabilities (the same rule `genrepipe
predict` uses). The headline goes to `metrics/runs/<run>.json`, every score (`valid.*` and
`test.*`, each with its 95 % interval) to `metrics/runs/<run>/scores.json`, every song's
prediction to `songs.csv` (see `genrepipe.evaluation.results`); the confusion matrix of the
record songs (test; k-fold: every song) to `metrics/runs/<run>/confusion.json` (rows `{actual,
predicted}` for DVC's confusion template) and `confusion.png`. What is scored and how is the
task's (`evaluation.tasks`): a genre run's song accuracy, a tagger's ROC-AUC per tag. A genre
run's song probabilities are also calibrated (a temperature learnt on valid; k-fold: nested) and
their ECE and Brier score given before and after, with `reliability.json` / `reliability.png`
(`evaluation.calibration`); songs.csv keeps the model's own probabilities.

Given `model_out`, the stage also writes the run's model folder as `genrepipe predict` uses it:
the train stage's files (`data/trained/<run>`), `calibration.json` (the temperature) and
`MODEL_CARD.md` (`reporting.model_card`), the stage that has every fact writing it.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from pathlib import Path

from ..core.errors import DataError
from ..core.store import staging_dir, write_json
from ..dataset.featureset import FeatureSet
from ..evaluation.calibration import add_calibration, write_reliability
from ..evaluation.results import CONFUSION, CONFUSION_PNG, write_results
from ..evaluation.scoring import predict_splits, score_predictions, warn_if_chance
from ..evaluation.song_level import confusion_rows
from ..evaluation.tasks.lookup import task_of_record
from ..models.trained import TrainedRun
from ..novelty.record import copy_record
from ..reporting import figures
from ..reporting.model_card import CALIBRATION, CARD, run_card

log = logging.getLogger(__name__)


def evaluate_run(name: str, model_dir: str | Path, features_dir: str | Path,
                 out_dir: str | Path, seed: int = 0, model_out: str | Path | None = None,
                 novelty: str | Path | None = None) -> dict:
    """Score run `name` on its valid and test songs and write its metrics, per-song predictions,
    confusion rows and figure.

    The valid scores are for choosing between runs; the test scores are the record. A run whose
    valid interval reaches chance is marked `above_chance: false` and a warning is logged: it
    learned nothing the valid songs show. A k-fold run has no separate valid split: each song is
    tested once, by the fold model that did not train on it, and the pooled test scores (with
    bootstrap intervals over songs) are both the choice and the record; `folds` adds the spread
    over folds. `seed` seeds the bootstrap. `model_out`: where to write the model folder with its
    temperature and card; `novelty`: the novelty stage's record (models/novelty/novelty.json),
    for the card.

    Returns
    -------
    dict
        The scores written to `out_dir/<name>/scores.json`.
    """
    trained = TrainedRun(model_dir)
    features = FeatureSet(features_dir)
    if features.name != trained.transform:
        raise DataError(f"{features_dir}: holds {features.name!r} features; run {name!r} was "
                        f"trained on {trained.transform!r}")
    task = task_of_record(trained.meta)
    classes = trained.classes
    predictions = predict_splits(trained, features, task)
    metrics, decided, truth = score_predictions(predictions, features, task, classes, seed)
    metrics, calibration = add_calibration(metrics, task, truth, predictions.probs, predictions.splits, seed)
    warn_if_chance(name, metrics, task)
    out_dir = Path(out_dir)
    write_results(out_dir, name, metrics,
                  task.song_rows(predictions.splits, predictions.song_ids, truth, decided,
                                 predictions.probs, classes),
                  {"run": name, "model": trained.model_name, "transform": trained.transform,
                   "classes": classes, **task.meta_fields(),
                   **({"dataset": trained.meta["dataset"]} if "dataset" in trained.meta else {})}, task)
    actual, predicted, names, what = task.confusion(predictions.splits, truth, decided, classes)
    write_json(out_dir / name / CONFUSION, confusion_rows(actual, predicted))
    folds = sorted(set(predictions.splits))
    title = (f"{name}: all songs, {len(folds)}-fold" if predictions.kfold else f"{name}: test songs") + what
    figures.confusion(actual, predicted, names, title, out_dir / name / CONFUSION_PNG)
    write_reliability(out_dir / name, truth, predictions.probs, calibration, predictions.splits, title)
    if model_out is not None:
        per_class = songs_per_class(features) if task.scores_class_folders else None  # a tagger's: tags
        write_model_folder(model_dir, model_out, trained.meta, metrics, task, per_class, novelty)
    for split, scores in metrics.items():
        if split in ("valid", "test"):
            log.info("%s", task.summary_line(name, split, scores))
    return metrics


def songs_per_class(features: FeatureSet) -> dict[str, dict[str, int]]:
    """{class: {split: songs}} of the songs the run was trained and scored on (no augmented copies)."""
    counts = Counter((s["label"], s["split"]) for s in features.songs(originals=True))
    out: dict[str, dict[str, int]] = {}
    for (label, split), n in sorted(counts.items()):
        out.setdefault(label, {})[split] = n
    return out


def write_model_folder(trained_dir: str | Path, out: str | Path, meta: dict, metrics: dict, task,
                       per_class: dict | None, novelty: str | Path | None) -> None:
    """`out`: the train stage's folder as it is, its temperature (`calibration.json`, when the
    task calibrates), the project's detector of songs unlike the training songs (a copy of the
    `novelty` record, so that a copied folder keeps it) and `MODEL_CARD.md`."""
    with staging_dir(out) as stage:
        shutil.copytree(trained_dir, stage, dirs_exist_ok=True)
        if "calibration" in metrics:
            write_json(stage / CALIBRATION, {"run": meta["run"], "calibration": metrics["calibration"]})
        record = copy_record(novelty, stage)
        (stage / CARD).write_text(run_card(meta, metrics, task, per_class, record), encoding="utf-8")
