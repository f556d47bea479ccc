"""The scikit-learn family: a scaling Pipeline around a registry model, fitted on one vector per
window (or per song, `level: song`), its settings optionally chosen inside the training songs
(`search`), saved with skops (never a bare pickle) as a byte-stable archive, loaded back trusting
only the types genrepipe saves. What differs between tasks is the task's (`evaluation.tasks`):
a multi-label task fits one model per tag (`OneVsRestClassifier`), each calibrated on song-disjoint
folds stratified on its own tag (`SongFolds`)."""

from __future__ import annotations

import importlib
import itertools
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from ..core.archives import canonical_skops
from ..core.errors import DataError
from ..dataset.featureset import FeatureSet
from ..stats.groups import group_means
from .entry import ModelEntry
from .vectors import rows, split_vectors

log = logging.getLogger(__name__)

# The only non-default types our scikit-learn pipelines contain; anything else is refused.
TRUSTED_SKOPS_TYPES = (
    "genrepipe.models.classic.SongFolds",
    "genrepipe.models.elm.ExtremeLearningMachine",
    "genrepipe.models.randomcnn.RandomCNNFeatures",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.tree._tree.Tree",
)


def calibration_splits(y: np.ndarray, songs: Sequence[str], seed: int, n_splits: int = 5,
                       where: str | Path = "the train split") -> list:
    """Cross-validation folds for calibrating probabilities, song-disjoint when possible
    (`where`: the features' folder, named by the error of a class with one window).

    Windows of one song are alike; calibrating on windows whose song was also fitted would
    make the probabilities over-confident. With fewer than two songs in some class the folds
    fall back to stratified folds of windows.
    """
    songs = np.asarray(songs)
    songs_per_class = min(len(set(songs[y == c])) for c in np.unique(y))
    if songs_per_class >= 2:
        folds = StratifiedGroupKFold(min(n_splits, songs_per_class), shuffle=True, random_state=seed)
        return list(folds.split(np.zeros(len(y)), y, groups=songs))
    windows_per_class = int(np.bincount(y).min())
    if windows_per_class < 2:
        raise DataError(f"{where}: {windows_per_class} train window(s) in the smallest class; a "
                        "calibrated model needs at least 2 per class (more songs, or a shorter "
                        "window or hop)")
    folds = StratifiedKFold(min(n_splits, windows_per_class), shuffle=True, random_state=seed)
    return list(folds.split(np.zeros(len(y)), y))


class SongFolds:
    """The song-disjoint folds of `calibration_splits` for whatever labels they are asked to
    split: under `OneVsRestClassifier` each tag's calibration gets folds stratified on that tag.
    Songs are kept as numbers (row -> song), not names."""

    def __init__(self, songs: Sequence[str], seed: int, most: int = 5):
        self.songs = np.unique(np.asarray(songs), return_inverse=True)[1].astype(np.int32)
        self.seed = seed
        # not `n_splits`: CalibratedClassifierCV would demand that many rows of each class,
        # where calibration_splits makes fewer folds for a rare tag
        self.most = most

    def split(self, X=None, y=None, groups=None):
        yield from calibration_splits(np.asarray(y).astype(np.int64), self.songs, self.seed, self.most)

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return self.most if y is None else len(list(self.split(X, y)))


def build_classifier(entry: ModelEntry, settings: Mapping[str, Any], seed: int, n_jobs: int = 1,
                     cv: Any = 5, window_shape: tuple[int, ...] = (), task=None) -> Pipeline:
    """A scaling Pipeline around the model's estimator, with window probabilities available.

    Calibrated models are wrapped in `CalibratedClassifierCV(..., ensemble=False)` (scikit-learn
    1.9's recommended replacement for `SVC(probability=True)`) with folds `cv` (see
    `calibration_splits`), then wrapped as the `task` wants (a tagger: one such model per tag).
    A model module with a `featurizer` (randomcnn) puts it first.
    """
    module = importlib.import_module(entry.module)
    classifier = module.estimator(settings, seed, n_jobs)
    if entry.calibrated:
        classifier = CalibratedClassifierCV(classifier, ensemble=False, cv=cv)
    if task is not None:
        classifier = task.wrap_classifier(classifier)
    steps = [("scale", StandardScaler()), ("classify", classifier)]
    if hasattr(module, "featurizer"):
        steps.insert(0, ("features", module.featurizer(settings, seed, window_shape)))
    return Pipeline(steps)


def fit(entry: ModelEntry, settings: Mapping[str, Any], features: FeatureSet, folder: Path, *,
        task, seed: int, n_jobs: int, level: str, log_metric) -> dict:
    """Fit on the train split of `features` for `task` (`n_jobs` threads where the model uses
    them), save `folder/model.skops`; returns the meta data to record (the task's score of the
    train and valid rows, windows or songs by `level`, under `history`)."""
    whole = entry.whole_windows
    targets = lambda songs: task.targets(features, songs)  # noqa: E731
    x_train, y_train, songs = split_vectors(features, "train", targets, whole, level)
    x_valid, y_valid, _ = split_vectors(features, "valid", targets, whole, level)
    log.info("%s on %d train %ss of %d values", entry.name, x_train.shape[0], level, x_train.shape[1])
    task.check_search(entry.name, settings)
    settings, search = choose_settings(entry, settings, x_train, y_train, songs, seed, n_jobs,
                                       features.window_shape, where=features.folder, task=task)
    pipeline = _fitted(entry, settings, x_train, y_train, songs, seed, n_jobs,
                       features.window_shape, where=features.folder, task=task)
    metric = task.row_metric
    history = {f"train_{metric}": task.row_score(pipeline, x_train, y_train), **search}
    log_metric(f"train/{metric}", history[f"train_{metric}"], 0)
    if len(y_valid):
        history[f"valid_{metric}"] = task.row_score(pipeline, x_valid, y_valid)
        if history[f"valid_{metric}"] is not None:  # None: no valid tag with both classes
            log_metric(f"eval/{metric}", history[f"valid_{metric}"], 0)
    save(pipeline, folder / entry.file)
    return {"normalization": None, "history": history, "level": level}


def _fitted(entry: ModelEntry, settings: Mapping[str, Any], x: np.ndarray, y: np.ndarray,
            songs: Sequence[str], seed: int, n_jobs: int, window_shape: tuple[int, ...],
            where: str | Path, task) -> Pipeline:
    """The model's pipeline fitted on (x, y) for `task`, calibrated on song-disjoint folds of
    `songs` (the task's: a tagger's are stratified on each tag in turn)."""
    cv = task.calibration_folds(y, songs, seed, where) if entry.calibrated else None
    pipeline = build_classifier(entry, settings, seed, n_jobs, cv=cv, window_shape=window_shape,
                                task=task)
    return pipeline.fit(x, y)


def choose_settings(entry: ModelEntry, settings: Mapping[str, Any], x: np.ndarray, y: np.ndarray,
                    songs: Sequence[str], seed: int, n_jobs: int, window_shape: tuple[int, ...],
                    where: str | Path = "the train split", *, task) -> tuple[dict, dict]:
    """The settings to train with: `settings` with the values of its `search` grid that give
    the best song accuracy over song-disjoint folds of the training songs (every combination
    in grid order; ties: the first), and what was tried (`{"search": ...}`, or {} without a
    grid). Nothing outside the training songs is seen."""
    grid = settings.get("search") or {}
    if not grid:
        return settings, {}
    tried = [dict(zip(grid, values)) for values in itertools.product(*grid.values())]
    folds = calibration_splits(y, songs, seed, where=where)
    songs = np.asarray(songs)
    scores = []
    for combination in tried:
        candidate = {**settings, **combination}
        right = []
        for train, test in folds:
            model = _fitted(entry, candidate, x[train], y[train], songs[train], seed, n_jobs,
                            window_shape, where, task)
            right += _songs_right(model.predict_proba(x[test]), y[test], songs[test], model.classes_)
        scores.append(float(np.mean(right)))
    chosen = tried[int(np.argmax(scores))]  # argmax: the first of equal scores
    log.info("%s: search over %d settings, chose %s (inner song accuracy %.3f)", entry.name,
             len(tried), chosen, max(scores))
    return ({**settings, **chosen},
            {"search": {"tried": tried, "song_accuracy": scores, "chosen": chosen}})


def _songs_right(probabilities: np.ndarray, y: np.ndarray, songs: np.ndarray,
                 classes: np.ndarray) -> list[bool]:
    """Per song of `songs`: is the class of its rows' mean probability its label?"""
    order, means = group_means(probabilities, songs)
    return [bool(classes[mean.argmax()] == y[songs == song][0]) for song, mean in zip(order, means, strict=True)]


def save(pipeline: Pipeline, path: Path) -> None:
    """Write the pipeline with skops, as a byte-stable archive."""
    import skops.io

    skops.io.dump(pipeline, path)
    canonical_skops(path)


def load(path: Path) -> Pipeline:
    """Load a scikit-learn pipeline saved with skops, trusting only the types we save."""
    import skops.io

    try:
        untrusted = skops.io.get_untrusted_types(file=path)
    except FileNotFoundError:
        raise DataError(f"{path}: not found; expected the model of a trained run") from None
    except Exception as exc:  # a damaged archive: zipfile, JSON or skops errors
        raise DataError(f"{path}: not a readable skops model ({type(exc).__name__}: {exc})") from None
    unexpected = sorted(set(untrusted) - set(TRUSTED_SKOPS_TYPES))
    if unexpected:
        raise DataError(f"{path}: holds types genrepipe does not save ({', '.join(unexpected)}); "
                        "refusing to load it")
    return skops.io.load(path, trusted=untrusted)


def predict_windows(pipeline: Pipeline, entry: ModelEntry, windows: np.ndarray,
                    level: str = "window") -> np.ndarray:
    """Class (multi-label: tag) probabilities of each window of one song, shape (n_windows,
    n_outputs); with `level: song` the song's probabilities, the same for each of its windows."""
    probabilities = pipeline.predict_proba(rows(windows, level, entry.whole_windows))
    return np.repeat(probabilities, len(windows), axis=0) if level == "song" else probabilities
