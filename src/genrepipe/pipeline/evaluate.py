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
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..core.errors import DataError
from ..core.store import write_json
from ..dataset.featureset import FeatureSet
from ..evaluation.calibration import add_calibration, write_reliability
from ..evaluation.results import CONFUSION, CONFUSION_PNG, write_results
from ..evaluation.scoring import predict_splits, score_predictions, warn_if_chance
from ..evaluation.song_level import confusion_rows
from ..evaluation.tasks.lookup import task_of_record
from ..models.trained import TrainedRun
from ..reporting import figures

log = logging.getLogger(__name__)


def evaluate_run(name: str, model_dir: str | Path, features_dir: str | Path,
                 out_dir: str | Path, seed: int = 0) -> dict:
    """Score run `name` on its valid and test songs and write its metrics, per-song predictions,
    confusion rows and figure.

    The valid scores are for choosing between runs; the test scores are the record. A run whose
    valid interval reaches chance is marked `above_chance: false` and a warning is logged: it
    learned nothing the valid songs show. A k-fold run has no separate valid split: each song is
    tested once, by the fold model that did not train on it, and the pooled test scores (with
    bootstrap intervals over songs) are both the choice and the record; `folds` adds the spread
    over folds. `seed` seeds the bootstrap.

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
                   "classes": classes, **task.meta_fields()}, task)
    actual, predicted, names, what = task.confusion(predictions.splits, truth, decided, classes)
    write_json(out_dir / name / CONFUSION, confusion_rows(actual, predicted))
    folds = sorted(set(predictions.splits))
    title = (f"{name}: all songs, {len(folds)}-fold" if predictions.kfold else f"{name}: test songs") + what
    figures.confusion(actual, predicted, names, title, out_dir / name / CONFUSION_PNG)
    write_reliability(out_dir / name, truth, predictions.probs, calibration, predictions.splits, title)
    for split, scores in metrics.items():
        if split in ("valid", "test"):
            log.info("%s", task.summary_line(name, split, scores))
    return metrics
