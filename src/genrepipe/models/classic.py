"""scikit-learn models on one vector per window, inside a scaling Pipeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Perceptron
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC

from ..errors import ParameterError
from ..features import FeatureSet
from .elm import ExtremeLearningMachine
from .randomcnn import RandomCNNFeatures


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


def vectorize(model: str, windows: np.ndarray) -> np.ndarray:
    """The rows a scikit-learn model takes: summary vectors, or (randomcnn) whole windows."""
    if model == "randomcnn":
        return np.asarray(windows, dtype=np.float32).reshape(len(windows), -1)
    return window_vectors(windows)


def split_vectors(features: FeatureSet, split: str, classes: list[str], model: str = "svc"
                  ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Stream one split song by song into (X, y, source song of each row).

    The source song of an augmented copy is the song it was made from, so that folds grouped by
    it keep a song and its copies together.
    """
    label_index = {name: i for i, name in enumerate(classes)}
    xs, ys, ids = [], [], []
    for song in features.songs(split):
        vectors = vectorize(model, features.load(song["song_id"]))
        xs.append(vectors)
        ys.append(np.full(len(vectors), label_index[song["label"]], dtype=np.int32))
        ids += [song.get("source_song", song["song_id"])] * len(vectors)
    if not xs:
        width = vectorize(model, np.zeros((1, *features.window_shape), np.float32)).shape[1]
        return np.zeros((0, width), np.float32), np.zeros(0, np.int32), []
    return np.concatenate(xs), np.concatenate(ys), ids


def calibration_splits(y: np.ndarray, songs: Sequence[str], seed: int, n_splits: int = 5) -> list:
    """Cross-validation folds for calibrating probabilities, song-disjoint when possible.

    Windows of one song are alike; calibrating on windows whose song was also fitted would
    make the probabilities over-confident. With fewer than two songs in some class the folds
    fall back to stratified folds of windows.
    """
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

    songs = np.asarray(songs)
    songs_per_class = min(len(set(songs[y == c])) for c in np.unique(y))
    if songs_per_class >= 2:
        folds = StratifiedGroupKFold(min(n_splits, songs_per_class), shuffle=True, random_state=seed)
        return list(folds.split(np.zeros(len(y)), y, groups=songs))
    windows_per_class = int(np.bincount(y).min())
    if windows_per_class < 2:
        raise ParameterError(f"calibrated models need at least 2 training windows per class; "
                             f"found {windows_per_class}")
    folds = StratifiedKFold(min(n_splits, windows_per_class), shuffle=True, random_state=seed)
    return list(folds.split(np.zeros(len(y)), y))


# Classifiers without predict_proba get probabilities from CalibratedClassifierCV(ensemble=False),
# scikit-learn 1.9's recommended replacement for SVC(probability=True).
CALIBRATED = ("svc", "linsvm", "perceptron", "randomcnn")


def _estimator(model: str, s: Mapping[str, Any], seed: int):
    if model in ("svc", "randomcnn"):
        return SVC(C=s["C"], gamma=s["gamma"], random_state=seed)
    if model == "linsvm":
        return LinearSVC(C=s["C"], max_iter=s["max_iter"], random_state=seed)
    if model == "perceptron":
        return Perceptron(alpha=s["alpha"], penalty=s["penalty"], max_iter=s["max_iter"],
                          random_state=seed)
    if model == "rfc":
        return RandomForestClassifier(
            n_estimators=s["n_estimators"], max_depth=s["max_depth"],
            min_samples_leaf=s["min_samples_leaf"], max_features=s["max_features"],
            random_state=seed, n_jobs=-1)
    if model == "logreg":
        return LogisticRegression(C=s["C"], max_iter=s["max_iter"], random_state=seed)
    if model == "knn":
        return KNeighborsClassifier(n_neighbors=s["n_neighbors"], weights=s["weights"])
    if model == "mlp":
        return MLPClassifier(hidden_layer_sizes=tuple(s["hidden"]), alpha=s["alpha"],
                             learning_rate_init=s["learning_rate"], max_iter=s["max_iter"],
                             random_state=seed)
    if model == "elm":
        return ExtremeLearningMachine(n_hidden=s["n_hidden"], alpha=s["alpha"], random_state=seed)
    raise ParameterError(f"model={model!r} is not a scikit-learn model; expected one of: "
                         "svc, linsvm, perceptron, rfc, logreg, knn, mlp, elm")


def build_classifier(model: str, settings: Mapping[str, Any], seed: int, cv: Any = 5,
                     window_shape: tuple[int, ...] = ()) -> Pipeline:
    """A scaling Pipeline around the classifier, with window probabilities available.

    Models in CALIBRATED are wrapped in `CalibratedClassifierCV(..., ensemble=False)` with folds
    `cv` (see `calibration_splits`). `randomcnn` puts a seeded random CNN (features of windows of
    `window_shape`) before the scaler and an SVM.
    """
    classifier = _estimator(model, settings, seed)
    if model in CALIBRATED:
        classifier = CalibratedClassifierCV(classifier, ensemble=False, cv=cv)
    steps = [("scale", StandardScaler()), ("classify", classifier)]
    if model == "randomcnn":
        features = RandomCNNFeatures(window_shape=tuple(window_shape), filters=tuple(settings["filters"]),
                                     kernel_size=settings["kernel_size"],
                                     pool_size=settings["pool_size"], random_state=seed)
        steps.insert(0, ("random_cnn", features))
    return Pipeline(steps)
