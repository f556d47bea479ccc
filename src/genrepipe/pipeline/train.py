"""The train stage: fit one run (a model on a transform's features) and write its model folder.

The model folder `models/<run>/` is built under a temporary name and renamed when complete;
the same inputs give the same bytes in it (no times, canonical archives), so DVC sees an
unchanged model after a forced re-run. Training curves go to `metrics/train/<run>/` in the
layout `dvc plots` reads (per epoch for CNNs; one step with the final train and valid accuracy
for scikit-learn models). How long training took goes to `metrics/timing/<run>.json`, a file
DVC does not track.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..core.curves import Curves
from ..core.errors import DataError
from ..core.section import plain
from ..core.store import read_csv, staging_dir, write_json
from ..dataset.featureset import FeatureSet
from ..evaluation.tasks.lookup import task_of_features
from ..models.registry import FAMILIES, META, ModelEntry, get_model
from ..sources.provenance import dataset_of

log = logging.getLogger(__name__)

# A family's fit with its own settings bound (see `_family_fit`):
# (settings, features, folder, log_metric) -> the meta data it records
Fit = Callable[[Mapping[str, Any], FeatureSet, Path, Callable[[str, float, int], None]], dict]


def train_run(name: str, *, model: str, transform: str, settings: Mapping[str, Any], seed: int,
              mixed_precision: bool, features_dir: str | Path, out_dir: str | Path,
              curves_dir: str | Path, timing_dir: str | Path | None = None,
              manifest: str | Path | None = None, n_jobs: int = 1, loader_workers: int = 2,
              level: str = "window") -> dict:
    """Train run `name` (model `model` with its params block `settings`, on the features of
    `transform` in `features_dir`) and write `out_dir` (model + meta.json).

    Parameters
    ----------
    mixed_precision : bool
        float16 compute for Keras models (`train.mixed_precision`); passed to them only.
    manifest : path-like or None
        The download stage's manifest (data/raw/manifest.csv): meta.json's `dataset` says where
        the songs came from (`genrepipe.sources.provenance`).
    n_jobs : int
        Threads for the scikit-learn models that use them; passed to scikit-learn models only.
    loader_workers : int
        Threads loading a Keras model's batches from disk; passed to Keras models only.
        Neither thread count changes the output.
    level : {"window", "song"}
        The run's `level` (scikit-learn models): a row per window, or per song (the mean and
        standard deviation of its windows' vectors); meta.json records "song".

    Returns
    -------
    dict
        The meta data written next to the model, and the training time in seconds.

    Raises
    ------
    DataError
        When the features are not those of the run's transform, or a class has no train song.
    """
    entry = get_model(model)
    features = FeatureSet(features_dir)
    if features.name != transform:
        raise DataError(f"{features_dir}: holds {features.name!r} features; run {name!r} needs "
                        f"{transform!r}")
    dataset = None if manifest is None else dataset_of(  # read first: a bad one fails fast
        read_csv(manifest, what="the download stage's manifest", columns=("source", "label", "split")))
    task = task_of_features(features)
    fit = _family_fit(entry, task=task, seed=seed, n_jobs=n_jobs, mixed_precision=mixed_precision,
                      loader_workers=loader_workers, level=level)
    start = time.perf_counter()
    with staging_dir(out_dir) as stage, staging_dir(curves_dir) as curves_folder:
        curves = Curves(curves_folder)
        folds = features.folds
        if folds:  # k-fold: one model per fold, trained on the others, tested on it
            members = []
            for i, test_fold in enumerate(folds):
                # a Keras model stops early on one of its training folds (the next one)
                valid_fold = folds[(i + 1) % len(folds)] if entry.is_keras else None
                view = features.with_splits({f: "test" if f == test_fold else
                                             "valid" if f == valid_fold else "train" for f in folds})
                (stage / test_fold).mkdir()
                log.info("%s: fold %d of %d (test %s%s)", name, i + 1, len(folds), test_fold,
                         f", early stopping on {valid_fold}" if valid_fold else "")
                members.append(_fit(name, entry, transform, settings, seed, fit, view,
                                    stage / test_fold, curves, f"{test_fold}/", task))
            meta = {**{k: members[0][k] for k in members[0] if k not in _PER_FIT},
                    "folds": folds, "history": [m["history"] for m in members]}
        else:
            meta = _fit(name, entry, transform, settings, seed, fit, features, stage, curves, "", task)
        curves.close()
        if dataset is not None:
            meta["dataset"] = dataset
        write_json(stage / META, meta)
    seconds = round(time.perf_counter() - start, 2)
    if timing_dir is not None:  # not a DVC output: times differ between identical runs
        Path(timing_dir).mkdir(parents=True, exist_ok=True)
        write_json(Path(timing_dir) / f"{name}.json", {"run": name, "train_seconds": seconds})
    return {**meta, "train_seconds": seconds}


# Meta data that differs between the models of a k-fold run (kept in each fold's own meta.json).
_PER_FIT = ("normalization", "n_train_songs", "n_train_windows", "history")


def _family_fit(entry: ModelEntry, *, task, seed: int, n_jobs: int, mixed_precision: bool,
                loader_workers: int, level: str) -> Fit:
    """`fit(settings, features, folder, log_metric)`: the `fit` of `entry`'s family for `task`,
    given the settings that family takes (`n_jobs` and `level` for scikit-learn;
    `mixed_precision` and `loader_workers` for Keras). The family's module (Keras for a network)
    is imported at the first fit."""
    def fit(settings: Mapping[str, Any], features: FeatureSet, folder: Path, log_metric) -> dict:
        family = importlib.import_module(FAMILIES[entry.family].module)
        if entry.is_keras:
            return family.fit(entry, settings, features, folder, task=task, seed=seed,
                              mixed_precision=mixed_precision, loader_workers=loader_workers,
                              log_metric=log_metric)
        return family.fit(entry, settings, features, folder, task=task, seed=seed, n_jobs=n_jobs,
                          level=level, log_metric=log_metric)

    return fit


def _fit(name: str, entry: ModelEntry, transform: str, settings: Mapping[str, Any], seed: int,
         fit: Fit, features: FeatureSet, folder: Path, curves: Curves, prefix: str, task) -> dict:
    """Fit one model with `fit` (see `_family_fit`) on the train split of `features` into
    `folder`; returns its meta data."""
    task.check_train_songs(features, prefix.rstrip("/"))
    fitted = fit(settings, features, folder,
                 lambda metric, value, step: curves.log(prefix + metric, value, step))
    train_songs = features.songs("train")
    meta = {
        "run": name, "model": entry.name, "transform": transform,
        "transform_params": features.index["params"],
        "classes": task.outputs(features),  # a tagger's: the tags
        **task.meta_fields(),
        "window_shape": list(features.window_shape),
        **{k: features.index[k] for k in ("sample_rate", "window", "hop", "window_samples",
                                          "hop_samples")},
        "normalization": fitted["normalization"],
        "model_params": plain(settings), "seed": seed,
        "n_train_songs": len({s.get("source_song", s["song_id"]) for s in train_songs}),
        "n_train_windows": sum(s["n_windows"] for s in train_songs),
        "history": fitted["history"],
        "versions": _versions(entry.is_keras),
        **({"level": fitted["level"]} if fitted.get("level", "window") != "window" else {}),
    }
    write_json(folder / META, meta)
    return meta


def _versions(keras_model: bool) -> dict:
    from importlib.metadata import version

    names = ["numpy", "librosa"] + (["keras", "tensorflow-cpu"] if keras_model else ["scikit-learn", "skops"])
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except Exception:  # a GPU build is named tensorflow, not tensorflow-cpu
            continue
    return found
