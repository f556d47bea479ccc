"""The rows a scikit-learn model learns from: one vector per window, streamed song by song, or
one vector per song (`level: song`: the mean and standard deviation of its windows' vectors)."""

from __future__ import annotations

import numpy as np

from ..core.errors import ParameterError
from ..dataset.featureset import FeatureSet


def window_vectors(windows: np.ndarray) -> np.ndarray:
    """One vector per window: a 1-D feature as it is; for a (bands, frames) image, the mean and
    standard deviation over time of each band (2 * bands values).

    Parameters
    ----------
    windows : np.ndarray, shape (n_windows, d) or (n_windows, bands, frames)

    Returns
    -------
    np.ndarray, shape (n_windows, d) or (n_windows, 2 * bands), float32
    """
    windows = np.asarray(windows, dtype=np.float32)
    if windows.ndim == 2:
        return windows
    if windows.ndim == 3:
        return np.concatenate([windows.mean(axis=-1), windows.std(axis=-1)], axis=-1)
    raise ParameterError(f"windows.ndim={windows.ndim}; expected 2 (vectors) or 3 (images)")


def vectorize(windows: np.ndarray, whole_windows: bool = False) -> np.ndarray:
    """The rows of a scikit-learn model: summary vectors, or whole windows flattened."""
    if whole_windows:
        return np.asarray(windows, dtype=np.float32).reshape(len(windows), -1)
    return window_vectors(windows)


def song_vector(vectors: np.ndarray) -> np.ndarray:
    """One song's row at `level: song`: the mean, then the standard deviation, over its windows
    of each value of their vectors, shape (1, 2 * d)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    return np.concatenate([vectors.mean(axis=0), vectors.std(axis=0)])[None, :]


def rows(windows: np.ndarray, level: str, whole_windows: bool = False) -> np.ndarray:
    """The rows of one song's `windows`: one a window, or one for the song (`level: song`)."""
    vectors = vectorize(windows, whole_windows)
    return song_vector(vectors) if level == "song" else vectors


def split_vectors(features: FeatureSet, split: str, targets, whole_windows: bool = False,
                  level: str = "window") -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Stream one split song by song into (X, y, source song of each row): a row per window, or
    per song with `level: song`; y is each row's song's target, `targets(songs)` (the task's:
    a class index, or a 0/1 row over the tags).

    The source song of an augmented copy is the song it was made from, so that folds grouped by
    it keep a song and its copies together.
    """
    xs, ys, ids = [], [], []
    for song in features.songs(split):
        vectors = rows(features.load(song["song_id"]), level, whole_windows)
        xs.append(vectors)
        ys.append(np.repeat(targets([song]), len(vectors), axis=0).astype(np.int32))
        ids += [song.get("source_song", song["song_id"])] * len(vectors)
    if not xs:
        width = rows(np.zeros((1, *features.window_shape), np.float32), level, whole_windows).shape[1]
        return np.zeros((0, width), np.float32), targets([]).astype(np.int32), []
    return np.concatenate(xs), np.concatenate(ys), ids
