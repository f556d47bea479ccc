"""The train stage: fit one run (a model on a transform's features) and write its model folder.

The model folder `models/<run>/` is built under a temporary name and renamed when complete;
the same inputs give the same bytes in it (no times, canonical archives), so DVC sees an
unchanged model after a forced re-run. Training curves go to `metrics/train/<run>/` in the
layout `dvc plots` reads (per epoch for CNNs; one step with the final train and valid accuracy
for scikit-learn models). How long training took goes to `metrics/timing/<run>.json`, a file
DVC does not track.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from .archives import canonical_keras, canonical_skops
from .curves import Curves, keras_metric_name
from .errors import DataError
from .features import FeatureSet
from .models import is_keras
from .params import Section, model_params
from .predictor import KERAS_FILE, META, SKOPS_FILE
from .store import staging_dir, write_json

log = logging.getLogger(__name__)


def train_run(name: str, params: Section, features_dir: str | Path, out_dir: str | Path,
              curves_dir: str | Path, timing_dir: str | Path | None = None) -> dict:
    """Train run `name` of `params.runs` and write `out_dir` (model + meta.json).

    Returns
    -------
    dict
        The meta data written next to the model.

    Raises
    ------
    DataError
        When the features are not those of the run's transform, or a class has no train song.
    """
    run = params.runs[name]
    settings = model_params(params, run.model)
    features = FeatureSet(features_dir)
    if features.name != run.transform:
        raise DataError(f"{features_dir}: holds {features.name!r} features; run {name!r} needs "
                        f"{run.transform!r}")
    start = time.perf_counter()
    with staging_dir(out_dir) as stage, staging_dir(curves_dir) as curves_folder:
        live = Curves(curves_folder)
        folds = features.folds
        if folds:  # k-fold: one model per fold, tested on it, validated on the next one
            members = []
            for i, test_fold in enumerate(folds):
                valid_fold = folds[(i + 1) % len(folds)]
                view = features.with_splits({f: "test" if f == test_fold else
                                             "valid" if f == valid_fold else "train" for f in folds})
                (stage / test_fold).mkdir()
                log.info("%s: fold %d of %d (test %s, valid %s)", name, i + 1, len(folds), test_fold,
                         valid_fold)
                members.append(_fit(name, run, settings, view, params, stage / test_fold, live,
                                    prefix=f"{test_fold}/"))
            meta = {**{k: members[0][k] for k in members[0] if k not in _PER_FIT},
                    "folds": folds, "history": [m["history"] for m in members]}
        else:
            meta = _fit(name, run, settings, features, params, stage, live, prefix="")
        live.close()
        write_json(stage / META, meta)
    seconds = round(time.perf_counter() - start, 2)
    if timing_dir is not None:  # not a DVC output: times differ between identical runs
        Path(timing_dir).mkdir(parents=True, exist_ok=True)
        write_json(Path(timing_dir) / f"{name}.json", {"run": name, "train_seconds": seconds})
    return {**meta, "train_seconds": seconds}


# Meta data that differs between the models of a k-fold run (kept in each fold's own meta.json).
_PER_FIT = ("normalization", "n_train_songs", "n_train_windows", "history")


def _fit(name: str, run: Section, settings: Section, features: FeatureSet, params: Section,
         folder: Path, live, prefix: str) -> dict:
    """Fit one model on the train split of `features` into `folder`; returns its meta data."""
    untrained = sorted(set(features.classes) - {s["label"] for s in features.songs("train")})
    if untrained:
        raise DataError(f"{features.folder}: no train songs of class(es) {', '.join(untrained)}"
                        f"{' in ' + prefix.rstrip('/') if prefix else ''}; every class needs at "
                        "least one (check dataset.ratios or dataset.folds)")
    if is_keras(run.model):
        stats, history = _fit_keras(run.model, settings, features, params, folder, live, prefix)
    else:
        stats, history = None, _fit_sklearn(run.model, settings, features, params.seed, folder,
                                            live, prefix)
    train_songs = features.songs("train")
    meta = {
        "run": name, "model": run.model, "transform": run.transform,
        "transform_params": features.index["params"],
        "classes": features.classes,
        "window_shape": list(features.window_shape),
        **{k: features.index[k] for k in ("sample_rate", "window", "hop", "window_samples",
                                          "hop_samples")},
        "normalization": stats.to_dict() if stats else None,
        "model_params": settings.to_dict(), "seed": params.seed,
        "n_train_songs": len({s.get("source_song", s["song_id"]) for s in train_songs}),
        "n_train_windows": sum(s["n_windows"] for s in train_songs),
        "history": history,
        "versions": _versions(run.model),
    }
    write_json(folder / META, meta)
    return meta


def _fit_sklearn(model: str, settings: Section, features: FeatureSet, seed: int, stage: Path,
                 live, prefix: str) -> dict:
    import skops.io

    from .models.classic import CALIBRATED, build_classifier, calibration_splits, split_vectors

    x_train, y_train, songs = split_vectors(features, "train", features.classes, model)
    x_valid, y_valid, _ = split_vectors(features, "valid", features.classes, model)
    log.info("%s on %d train windows of %d values", model, *x_train.shape)
    cv = calibration_splits(y_train, songs, seed) if model in CALIBRATED else None
    pipeline = build_classifier(model, settings, seed, cv=cv, window_shape=features.window_shape)
    pipeline.fit(x_train, y_train)
    history = {"train_accuracy": float(pipeline.score(x_train, y_train))}
    if len(y_valid):
        history["valid_accuracy"] = float(pipeline.score(x_valid, y_valid))
    live.log(prefix + "train/accuracy", history["train_accuracy"], step=0)
    if "valid_accuracy" in history:
        live.log(prefix + "eval/accuracy", history["valid_accuracy"], step=0)
    skops.io.dump(pipeline, stage / SKOPS_FILE)
    canonical_skops(stage / SKOPS_FILE)
    return history


def _fit_keras(model: str, settings: Section, features: FeatureSet, params: Section, stage: Path,
               live, prefix: str):
    from .backend import keras, seed_everything
    from .loader import WindowSequence
    from .models import BAND_NORMALISED
    from .models.cnn import build_network, input_layout
    from .normalize import band_stats

    seed_everything(params.seed)
    stats = band_stats(features, "train") if model in BAND_NORMALISED else None

    def prepare(x: np.ndarray) -> np.ndarray:
        return input_layout(model, stats.apply(x) if stats else np.asarray(x, dtype=np.float32))

    loader_args = dict(classes=features.classes, batch_size=settings.batch_size, seed=params.seed,
                       prepare=prepare, workers=params.executor.workers)
    train = WindowSequence(features, "train", shuffle=True, **loader_args)
    valid = (WindowSequence(features, "valid", shuffle=False, **loader_args)
             if features.songs("valid") else None)
    input_shape = prepare(np.zeros((1, *features.window_shape), np.float32)).shape[1:]
    # float16 compute with float32 weights: faster on GPUs with tensor cores (slower on CPUs)
    keras.mixed_precision.set_global_policy("mixed_float16" if params.train.mixed_precision
                                            else "float32")
    network = build_network(model, input_shape, len(features.classes), settings)
    log.info("%s: %d parameters, input %s, %d batches per epoch", model, network.count_params(),
             input_shape, len(train))
    monitor = "val_loss" if valid is not None else "loss"
    callbacks = [
        keras.callbacks.EarlyStopping(monitor=monitor, patience=settings.patience,
                                      restore_best_weights=True),
        _curves_callback(live, prefix),
    ]
    try:
        fit = network.fit(train, validation_data=valid, epochs=settings.epochs, callbacks=callbacks,
                          verbose=2)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    network.save(stage / KERAS_FILE)
    canonical_keras(stage / KERAS_FILE)
    losses = fit.history[monitor]
    return stats, {"epochs_run": len(losses), "best_epoch": int(np.argmin(losses)) + 1,
                   "best_" + monitor: float(min(losses))}


def _curves_callback(live: Curves, prefix: str):
    """A Keras callback logging every epoch's metrics under `prefix` (one folder per fold)."""
    from .backend import keras

    class LogCurves(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            for key, value in (logs or {}).items():
                live.log(prefix + keras_metric_name(key), value, step=epoch)

    return LogCurves()


def _versions(model: str) -> dict:
    from importlib.metadata import version

    names = ["numpy", "librosa"] + (["keras", "tensorflow-cpu"] if is_keras(model) else ["scikit-learn", "skops"])
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except Exception:  # a GPU build is named tensorflow, not tensorflow-cpu
            continue
    return found
