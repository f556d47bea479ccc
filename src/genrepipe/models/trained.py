"""A trained run's folder: its `meta.json`, written and read here only, and the run loaded back
(window probabilities from features, nothing else needed).

`models/<run>/` holds the model (`model.keras` or `model.skops`) and `meta.json` with
everything prediction needs: classes, transform and its params, window, hop, sample rate,
normalisation statistics and the params it was trained with. Prediction never reads the
current params.yaml, so a model trained yesterday still predicts after params change.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np

from ..core.errors import DataError, ParameterError
from ..core.section import plain
from ..core.store import read_json, write_json
from .registry import FAMILIES, META, get_model


class TrainedRun:
    """Everything needed to turn a song's features into class probabilities.

    A k-fold run (``dataset.split: kfold``) holds one model per fold; it predicts with the mean
    of their probabilities.

    Parameters
    ----------
    folder : path-like
        `models/<run>`, as written by the train stage.

    Attributes
    ----------
    model_name : str
        The model's registry name (``meta.json``'s ``model``: "svc", "cnn2d").
    model
        The loaded scikit-learn pipeline or Keras network (a k-fold run has `members` instead).
    """

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.meta = read_meta(self.folder)
        self.model_name: str = self.meta["model"]  # the registry's name: "svc", "cnn2d"
        try:
            self.entry = get_model(self.model_name)
        except ParameterError as exc:  # trained by another genrepipe: a data problem here
            raise DataError(f"{self.folder / META}: {exc}") from None
        self.classes: list[str] = self.meta["classes"]
        self.transform: str = self.meta["transform"]
        # The model's own module is part of how its input is prepared (a network's `layout`) and
        # of what its saved file holds (the estimator classes skops rebuilds): load it for every
        # model, so that it is what the evaluate stage depends on, whatever the model.
        importlib.import_module(self.entry.module)
        # a k-fold run is an ensemble of its fold models
        self.members = [TrainedRun(self.folder / fold) for fold in self.meta.get("folds", [])]
        if not self.members:
            self.family = importlib.import_module(FAMILIES[self.entry.family].module)
            self.model = self.family.load(self.folder / self.entry.file)

    def predict_windows(self, windows: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """Class probabilities of each window.

        Parameters
        ----------
        windows : np.ndarray, shape (n_windows, *window_shape)
            Features from this run's transform, with its params.
        batch_size : int > 0
            Windows per forward pass of a network.

        Returns
        -------
        np.ndarray, shape (n_windows, n_classes), rows summing to 1
        """
        expected = tuple(self.meta["window_shape"])
        if tuple(windows.shape[1:]) != expected:
            raise DataError(f"features of shape {tuple(windows.shape[1:])} per window do not fit run "
                            f"{self.meta['run']!r}; it was trained on {expected}")
        if self.members:
            return np.mean([m.predict_windows(windows, batch_size) for m in self.members], axis=0)
        if self.entry.is_keras:
            return self.family.predict_windows(self.model, self.entry,
                                               self.meta["normalization"], windows, batch_size)
        return self.family.predict_windows(self.model, self.entry, windows,
                                           self.meta.get("level", "window"))

    def predict_songs(self, songs: list[np.ndarray], batch_size: int = 64) -> list[np.ndarray]:
        """Each song's window probabilities (`predict_windows`), the windows of every song
        classified in one call (a run with `level: song` classifies each song's summary)."""
        if not songs:
            return []
        if self.meta.get("level", "window") == "song":
            return [self.predict_windows(windows, batch_size) for windows in songs]
        probs = self.predict_windows(np.concatenate(songs), batch_size)
        return np.split(probs, np.cumsum([len(w) for w in songs])[:-1])


# Meta data that differs between the models of a k-fold run (kept in each fold's own meta.json).
PER_FIT = ("normalization", "n_train_songs", "n_train_windows", "history")


def run_meta(run, entry, task, features, fitted: dict) -> dict:
    """meta.json of one fitted model: the run (a `run.RunSpec`), what it learnt from (the
    features' transform, params, classes or a tagger's tags, window geometry, train songs), what
    its family's fit recorded (`fitted`: normalisation, history, level) and library versions."""
    train_songs = features.songs("train")
    return {
        "run": run.name, "model": entry.name, "transform": run.transform,
        "transform_params": features.index["params"],
        "classes": task.outputs(features),  # a tagger's: the tags
        **task.meta_fields(),
        "window_shape": list(features.window_shape),
        **{k: features.index[k] for k in ("sample_rate", "window", "hop", "window_samples",
                                          "hop_samples")},
        "normalization": fitted["normalization"],
        "model_params": plain(run.settings), "seed": run.seed,
        "n_train_songs": len({s.get("source_song", s["song_id"]) for s in train_songs}),
        "n_train_windows": sum(s["n_windows"] for s in train_songs),
        "history": fitted["history"],
        "versions": _versions(entry.is_keras),
        **({"level": fitted["level"]} if fitted.get("level", "window") != "window" else {}),
    }


def fold_meta(members: list[dict], folds: list[str]) -> dict:
    """meta.json of a k-fold run: what its fold models share, the folds and each one's history."""
    return {**{k: members[0][k] for k in members[0] if k not in PER_FIT},
            "folds": folds, "history": [m["history"] for m in members]}


def read_meta(folder: Path) -> dict:
    """A trained run's meta.json, without loading its model."""
    if not (Path(folder) / META).is_file():
        raise DataError(f"{folder}: not a trained run (no {META}); run `dvc repro` first")
    return read_json(Path(folder) / META, what="a trained run's meta data")


def write_meta(folder: Path, meta: dict) -> None:
    write_json(Path(folder) / META, meta)


def _versions(keras_model: bool) -> dict:
    """The versions of the libraries that made the model; TensorFlow under the name it is
    installed by (tensorflow-cpu on Linux x86-64, tensorflow elsewhere and for the GPU build)."""
    from importlib.metadata import version

    names = ["numpy", "librosa"] + (["keras", "tensorflow-cpu", "tensorflow"] if keras_model
                                    else ["scikit-learn", "skops"])
    found = {}
    for name in names:
        if name == "tensorflow" and "tensorflow-cpu" in found:
            continue
        try:
            found[name] = version(name)
        except Exception:  # not installed under this name
            continue
    return found
