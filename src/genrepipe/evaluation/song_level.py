"""Song-level results from window-level ones, shared by the genre and the tag evaluation: a
song's probabilities are the mean of its windows' (the rule `genrepipe predict` uses too), and
the rows DVC's confusion template reads."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..stats.groups import group_means


def predict_songs(trained, features, songs: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Window probabilities of `songs` (rows of `features`' index) by `trained` (a TrainedRun),
    one song after the other, and each song's probabilities (their mean)."""
    probs = np.concatenate([trained.predict_windows(np.asarray(features.load(s["song_id"])))
                            for s in songs])
    _, song_probs = song_probabilities(probs, [s["song_id"] for s in songs
                                               for _ in range(s["n_windows"])])
    return probs, song_probs


def song_probabilities(window_probs: np.ndarray, song_of_window: Sequence[str]
                       ) -> tuple[list[str], np.ndarray]:
    """Each song's probabilities, the mean of its windows' (`stats.groups.group_means`): the
    songs in order of first appearance, shape (n_songs, n_classes)."""
    return group_means(window_probs, song_of_window)


def confusion_rows(actual: Sequence[str], predicted: Sequence[str]) -> list[dict]:
    """One `{actual, predicted}` row per item: the input of DVC's `confusion` plot template."""
    return [{"actual": a, "predicted": p} for a, p in zip(actual, predicted, strict=True)]
