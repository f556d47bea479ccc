"""The evaluate stage: score a trained run on its valid and test songs, per window and per song.

A song's prediction is the mean of its windows' probabilities (the same rule `genrepipe
predict` uses). The headline goes to `metrics/runs/<run>.json`, every score (`valid.*` and
`test.*`, each with its 95 % interval) to `metrics/runs/<run>/scores.json`, every song's
prediction to `songs.csv` (see `genrepipe.evaluation.results`); the song-level confusion matrix of the test
songs to `metrics/runs/<run>/confusion.json` (rows `{actual, predicted}` for DVC's confusion
template) and `confusion.png`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.errors import DataError
from ..core.store import write_json
from ..dataset.featureset import FeatureSet
from ..evaluation.results import CONFUSION, CONFUSION_PNG, MULTILABEL, song_row, write_results
from ..evaluation.song_level import confusion_rows, predict_songs
from ..models.trained import TrainedRun
from ..reporting import figures
from ..stats.single_label import exact_interval, fold_scores, score, song_scores
from .evaluate_tags import evaluate_tagger

log = logging.getLogger(__name__)


@dataclass
class SongResults:
    """Per-song predictions of one split: classes as indices into the run's classes."""

    songs: list[dict]
    window_true: np.ndarray
    window_pred: np.ndarray
    true: np.ndarray   # (n_songs,)
    probs: np.ndarray  # (n_songs, n_classes), the mean of each song's window probabilities

    @property
    def pred(self) -> np.ndarray:
        return self.probs.argmax(axis=1)

    def __add__(self, other: SongResults) -> SongResults:
        return SongResults(self.songs + other.songs, *(
            np.concatenate([getattr(self, key), getattr(other, key)])
            for key in ("window_true", "window_pred", "true", "probs")))


def predict_split(trained: TrainedRun, features: FeatureSet, split: str) -> SongResults:
    """Window and song predictions of `trained` on the songs of `split`."""
    songs = features.songs(split, originals=True)
    if not songs:
        raise DataError(f"{features.folder}: no {split} songs; check dataset.ratios")
    index = {c: i for i, c in enumerate(trained.classes)}
    unknown = sorted({s["label"] for s in songs} - set(index))
    if unknown:
        raise DataError(f"{split} songs of classes the run never saw: {', '.join(unknown)}")
    probs, song_probs = predict_songs(trained, features, songs)
    window_true = np.array([index[s["label"]] for s in songs for _ in range(s["n_windows"])])
    return SongResults(songs, window_true, probs.argmax(axis=1),
                       np.array([index[s["label"]] for s in songs]), song_probs)


def scores(results: SongResults, classes: Sequence[str], seed: int) -> dict:
    """Song scores of one split (with 95 % intervals), then window scores. The window accuracy's
    exact interval treats windows as independent, which windows of one song are not: it is
    narrower than the truth (the song interval is the one to read)."""
    windows = score(results.window_true, results.window_pred, classes)
    n_windows = len(results.window_true)
    window_lo, window_hi = exact_interval(int(np.sum(results.window_true == results.window_pred)),
                                          n_windows)
    return {**song_scores(results.true, results.probs, classes, seed),
            "window_accuracy": windows["accuracy"], "window_accuracy_lo": window_lo,
            "window_accuracy_hi": window_hi, "window_macro_f1": windows["macro_f1"],
            "n_windows": int(n_windows)}


def evaluate_run(name: str, model_dir: str | Path, features_dir: str | Path,
                 out_dir: str | Path, seed: int = 0) -> dict:
    """Score run `name` on its valid and test songs and write its metrics, per-song predictions,
    confusion rows and figure.

    The valid scores are for choosing between runs; the test scores are the record. A run whose
valid song accuracy is not above chance (its 95 % interval reaches the majority-class rate) is
marked `above_chance: false` and a warning is logged: it learned nothing the valid songs show. A k-fold
    run has no separate valid split: each song is tested once, by the fold model that did not
    train on it, and the pooled test scores (with bootstrap intervals over songs) are both the
    choice and the record; `folds` adds the mean, standard deviation and t-interval over folds.
    `seed` seeds the bootstrap. A tagger (multi-label) is scored by `evaluate_tags`.

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
    if trained.meta.get("task") == MULTILABEL:
        return evaluate_tagger(name, trained, features, out_dir, seed)
    classes = trained.classes
    if trained.members:
        per_fold = [predict_split(member, features, fold)
                    for fold, member in zip(trained.meta["folds"], trained.members, strict=True)]
        test = sum(per_fold[1:], per_fold[0])
        split_of = {s["song_id"]: s["split"] for s in test.songs}
        metrics = {"test": scores(test, classes, seed), "folds": fold_scores(
            test.true, test.pred, [split_of[s["song_id"]] for s in test.songs], classes)}
        written = {"test": test}
        title = f"{name}: all songs, {len(per_fold)}-fold"
    else:
        written = {split: predict_split(trained, features, split) for split in ("valid", "test")
                   if split == "test" or features.songs(split)}
        metrics = {split: scores(results, classes, seed) for split, results in written.items()}
        test = written["test"]
        split_of = {}
        title = f"{name}: test songs"
    chosen_on = metrics.get("valid", metrics["test"])
    if not chosen_on["above_chance"]:
        log.warning("%s learned nothing the %s songs show: song accuracy %.3f [%.3f, %.3f], "
                    "always answering the commonest class gives %.3f", name,
                    "valid" if "valid" in metrics else "cross-validated", chosen_on["song_accuracy"],
                    chosen_on["song_accuracy_lo"], chosen_on["song_accuracy_hi"],
                    chosen_on["majority_rate"])
    out_dir = Path(out_dir)
    write_results(out_dir, name, metrics, (
        song_row(split_of.get(song["song_id"], split), song["song_id"], song["label"], classes, probs)
        for split, results in written.items()
        for song, probs in zip(results.songs, results.probs, strict=True)),
        {"run": name, "model": trained.model_name, "transform": trained.transform, "classes": classes})
    actual, predicted = [classes[i] for i in test.true], [classes[i] for i in test.pred]
    write_json(out_dir / name / CONFUSION, confusion_rows(actual, predicted))
    figures.confusion(actual, predicted, classes, title, out_dir / name / CONFUSION_PNG)
    return metrics
