"""The train stage: fit one run (a model on a transform's features) and write its model folder.

The model folder `models/<run>/` is built under a temporary name and renamed when complete.
Training curves go to `metrics/train/<run>/` through dvclive (per epoch for CNNs; one step
with the final train and valid accuracy for scikit-learn models).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from .errors import DataError
from .features import FeatureSet
from .models import is_keras
from .params import Section, model_params
from .predictor import KERAS_FILE, META, SKOPS_FILE
from .store import staging_dir, write_json

log = logging.getLogger(__name__)


def train_run(name: str, params: Section, features_dir: str | Path, out_dir: str | Path,
              curves_dir: str | Path) -> dict:
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
    untrained = sorted(set(features.classes) - {s["label"] for s in features.songs("train")})
    if untrained:
        raise DataError(f"{features_dir}: no train songs of class(es) {', '.join(untrained)}; "
                        "every class needs at least one (check dataset.ratios)")
    start = time.perf_counter()
    with staging_dir(out_dir) as stage, staging_dir(curves_dir) as curves:
        if is_keras(run.model):
            stats, history = _fit_keras(run.model, settings, features, params, stage, curves)
        else:
            stats, history = None, _fit_sklearn(run.model, settings, features, params.seed, stage, curves)
        meta = {
            "run": name, "model": run.model, "transform": run.transform,
            "transform_params": features.index["params"],
            "classes": features.classes,
            "window_shape": list(features.window_shape),
            **{k: features.index[k] for k in ("sample_rate", "window", "hop", "window_samples",
                                              "hop_samples")},
            "normalization": stats.to_dict() if stats else None,
            "model_params": settings.to_dict(), "seed": params.seed,
            "n_train_songs": len({s.get("source_song", s["song_id"]) for s in features.songs("train")}),
            "n_train_windows": sum(s["n_windows"] for s in features.songs("train")),
            "history": history,
            "train_seconds": round(time.perf_counter() - start, 2),
            "versions": _versions(run.model),
        }
        write_json(stage / META, meta)
    return meta


def _fit_sklearn(model: str, settings: Section, features: FeatureSet, seed: int, stage: Path,
                 curves: Path) -> dict:
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
    live = _live(curves)
    live.log_metric("train/accuracy", history["train_accuracy"])
    if "valid_accuracy" in history:
        live.log_metric("eval/accuracy", history["valid_accuracy"])
    live.next_step()
    live.end()
    skops.io.dump(pipeline, stage / SKOPS_FILE)
    return history


def _fit_keras(model: str, settings: Section, features: FeatureSet, params: Section, stage: Path,
               curves: Path):
    from dvclive.keras import DVCLiveCallback

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
    network = build_network(model, input_shape, len(features.classes), settings)
    log.info("%s: %d parameters, input %s, %d batches per epoch", model, network.count_params(),
             input_shape, len(train))
    monitor = "val_loss" if valid is not None else "loss"
    callbacks = [
        keras.callbacks.EarlyStopping(monitor=monitor, patience=settings.patience,
                                      restore_best_weights=True),
        DVCLiveCallback(live=_live(curves)),
    ]
    fit = network.fit(train, validation_data=valid, epochs=settings.epochs, callbacks=callbacks,
                      verbose=2)
    network.save(stage / KERAS_FILE)
    losses = fit.history[monitor]
    return stats, {"epochs_run": len(losses), "best_epoch": int(np.argmin(losses)) + 1,
                   "best_" + monitor: float(min(losses))}


def _live(folder: Path):
    """dvclive as a plain file logger into `folder`: no dvc.yaml edits, no experiment of its own.

    DVC already runs this stage and tracks its outputs, so the logger needs no access to the
    repository (dvclive 3.49 fails in a git repo without commits when it looks).
    """
    from dvclive import Live

    class StageLive(Live):
        def _init_dvc(self):
            self._dvc_file = self._init_dvc_file()

    return StageLive(dir=str(folder), save_dvc_exp=False, dvcyaml=None, report=None)


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
