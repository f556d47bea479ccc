"""How a trained run is scored, one path for every task and split: its songs' probabilities (the
mean of their windows', `song_level`) on valid and test, or (k-fold) every song by the fold
model that did not train on it; the task scores them (`tasks`), and a run whose chosen-on
interval reaches chance is said to have learnt nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from ..core.errors import DataError
from .results import chosen_on
from .song_level import predict_songs

log = logging.getLogger(__name__)


@dataclass
class Predictions:
    """What a run predicted for the songs it is scored on, in the order songs.csv lists them."""

    songs: list[dict]          # rows of the features' index
    splits: list[str]          # per song: valid or test, or (k-fold) its fold
    probs: np.ndarray          # (n_songs, n_outputs): the mean of each song's window probabilities
    window_probs: np.ndarray   # (n_windows, n_outputs)
    window_song: np.ndarray    # (n_windows,): the song of each window, an index into `songs`
    kfold: bool

    @property
    def song_ids(self) -> list[str]:
        return [s["song_id"] for s in self.songs]


def predict_splits(trained, features, task) -> Predictions:
    """Predictions of `trained` (a TrainedRun) on the songs of `features` it is scored on: valid
    (when it has songs) and test, or every fold by its own fold model.

    Raises
    ------
    DataError
        When a split to score has no songs, or the songs do not fit the run (`task.check_songs`).
    """
    if trained.members:
        parts = list(zip(trained.meta["folds"], trained.members, strict=True))
    else:
        parts = [(split, trained) for split in ("valid", "test")
                 if split == "test" or features.songs(split)]
    songs, splits, probs, window_probs = [], [], [], []
    for split, model in parts:
        chosen = features.songs(split, originals=True)
        if not chosen:
            raise DataError(f"{features.folder}: no {split} songs; check dataset.ratios")
        task.check_songs(features, chosen, trained.classes, split, trained.meta["run"])
        windows, song_probs = predict_songs(model, features, chosen)
        songs += chosen
        splits += [split] * len(chosen)
        probs.append(song_probs)
        window_probs.append(windows)
    window_song = np.repeat(np.arange(len(songs)), [s["n_windows"] for s in songs])
    return Predictions(songs, splits, np.concatenate(probs), np.concatenate(window_probs),
                       window_song, bool(trained.members))


def score_predictions(predictions: Predictions, features, task, classes, seed: int
                      ) -> tuple[dict, np.ndarray, np.ndarray]:
    """The task's scores of `predictions` (window scores beside a genre run's), each song's
    decided class or tags, and the songs' truth."""
    truth = task.truth(features, predictions.songs, classes)
    windows = (truth[predictions.window_song], predictions.window_probs, predictions.window_song)
    metrics, decided = task.score(truth, predictions.probs, predictions.splits, classes, seed, windows)
    return metrics, decided, truth


def warn_if_chance(name: str, metrics: dict, task) -> None:
    """Log a warning when the run's interval on the split that chooses reaches chance."""
    split, chosen = chosen_on(metrics)
    if not chosen["above_chance"]:
        log.warning("%s learned nothing the %s songs show: %s", name, split, task.chance_text(chosen))
