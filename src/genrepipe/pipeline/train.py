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
from ..core.store import staging_dir, write_json
from ..dataset.featureset import FeatureSet
from ..dataset.songs import read_manifest
from ..evaluation.tasks.lookup import task_of_features
from ..models.registry import FAMILIES, ModelEntry, get_model
from ..models.run import RunSpec, Threads, TrainPaths
from ..models.trained import fold_meta, run_meta, write_meta
from ..sources.provenance import dataset_of

log = logging.getLogger(__name__)

# A family's fit with its own settings bound (see `_family_fit`):
# (settings, features, folder, log_metric) -> the meta data it records
Fit = Callable[[Mapping[str, Any], FeatureSet, Path, Callable[[str, float, int], None]], dict]


def train_run(run: RunSpec, paths: TrainPaths, threads: Threads = Threads()) -> dict:
    """Train `run` on the features in `paths.features_dir` and write `paths.out_dir` (the model
    and meta.json, `models.trained`) and its curves.

    Returns
    -------
    dict
        The meta data written next to the model, and the training time in seconds.

    Raises
    ------
    DataError
        When the features are not those of the run's transform, or a class has no train song.
    """
    entry = get_model(run.model)
    features = FeatureSet(paths.features_dir)
    if features.name != run.transform:
        raise DataError(f"{paths.features_dir}: holds {features.name!r} features; run {run.name!r} "
                        f"needs {run.transform!r}")
    dataset = None if paths.manifest is None else dataset_of(read_manifest(  # first: a bad one fails fast
        paths.manifest, columns=("source", "label", "split")))
    task = task_of_features(features)
    fit = _family_fit(entry, run, task, threads)
    start = time.perf_counter()
    with staging_dir(paths.out_dir) as stage, staging_dir(paths.curves_dir) as curves_folder:
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
                log.info("%s: fold %d of %d (test %s%s)", run.name, i + 1, len(folds), test_fold,
                         f", early stopping on {valid_fold}" if valid_fold else "")
                members.append(_fit(run, entry, task, fit, view, stage / test_fold, curves,
                                    f"{test_fold}/"))
            meta = fold_meta(members, folds)
        else:
            meta = _fit(run, entry, task, fit, features, stage, curves, "")
        curves.close()
        if dataset is not None:
            meta["dataset"] = dataset
        write_meta(stage, meta)
    seconds = round(time.perf_counter() - start, 2)
    if paths.timing_dir is not None:  # not a DVC output: times differ between identical runs
        Path(paths.timing_dir).mkdir(parents=True, exist_ok=True)
        write_json(Path(paths.timing_dir) / f"{run.name}.json", {"run": run.name, "train_seconds": seconds})
    return {**meta, "train_seconds": seconds}


def _family_fit(entry: ModelEntry, run: RunSpec, task, threads: Threads) -> Fit:
    """`fit(settings, features, folder, log_metric)`: the `fit` of `entry`'s family for `task`,
    given the settings that family takes (`n_jobs` and `level` for scikit-learn;
    `mixed_precision` and the loader threads for Keras). The family's module (Keras for a
    network) is imported at the first fit."""
    def fit(settings: Mapping[str, Any], features: FeatureSet, folder: Path, log_metric) -> dict:
        family = importlib.import_module(FAMILIES[entry.family].module)
        if entry.is_keras:
            return family.fit(entry, settings, features, folder, task=task, seed=run.seed,
                              mixed_precision=run.mixed_precision, loader_workers=threads.loaders,
                              log_metric=log_metric)
        return family.fit(entry, settings, features, folder, task=task, seed=run.seed,
                          n_jobs=threads.n_jobs, level=run.level, log_metric=log_metric)

    return fit


def _fit(run: RunSpec, entry: ModelEntry, task, fit: Fit, features: FeatureSet, folder: Path,
         curves: Curves, prefix: str) -> dict:
    """Fit one model with `fit` (see `_family_fit`) on the train split of `features` into
    `folder`; returns its meta data (`models.trained.run_meta`), written beside it."""
    task.check_train_songs(features, prefix.rstrip("/"))
    fitted = fit(run.settings, features, folder,
                 lambda metric, value, step: curves.log(prefix + metric, value, step))
    meta = run_meta(run, entry, task, features, fitted)
    write_meta(folder, meta)
    return meta
