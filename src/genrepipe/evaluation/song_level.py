"""Song-level results from window-level ones, shared by the genre and the tag evaluation: a
song's probabilities are the mean of its windows' (the rule `genrepipe predict` uses too), and
the rows DVC's confusion template reads."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


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
    """Average window probabilities per song.

    Parameters
    ----------
    window_probs : np.ndarray, shape (n_windows, n_classes)
    song_of_window : sequence of str, length n_windows

    Returns
    -------
    songs : list of str, in order of first appearance
    probs : np.ndarray, shape (n_songs, n_classes)
    """
    songs = list(dict.fromkeys(song_of_window))
    position = {song: i for i, song in enumerate(songs)}
    rows = np.array([position[s] for s in song_of_window])
    sums = np.zeros((len(songs), window_probs.shape[1]))
    np.add.at(sums, rows, window_probs)
    return songs, sums / np.bincount(rows, minlength=len(songs))[:, None]


def confusion_rows(actual: Sequence[str], predicted: Sequence[str]) -> list[dict]:
    """One `{actual, predicted}` row per item: the input of DVC's `confusion` plot template."""
    return [{"actual": a, "predicted": p} for a, p in zip(actual, predicted, strict=True)]
