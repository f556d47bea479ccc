"""The Keras family: what every network shares (input noise, conv blocks, the dense head and
compilation), training from disk through the `PyDataset` loader with the small-data measures
(shifted windows, masks, mixup, label smoothing, weight decay, a learning-rate schedule) and
early stopping, and saving / loading as a byte-stable `.keras` archive.

Plain Keras 3: no backend-specific calls, so another Keras backend is a one-line change.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ..core.archives import canonical_keras
from ..core.backend import infer, keras, seed_everything
from ..core.curves import keras_metric_name
from ..core.errors import DataError
from ..dataset.featureset import FeatureSet
from .batch_augment import BatchAugment
from .entry import ModelEntry
from .normalize import BandStats, band_stats
from .outputs import SOFTMAX, Output
from .registry import input_kind

layers = keras.layers
log = logging.getLogger(__name__)


def input_noise(x, settings: Mapping[str, Any]):
    """Gaussian noise on the (normalised) input while training, when `batch_augment.noise_std` > 0."""
    if settings["batch_augment"]["noise_std"] > 0:
        return layers.GaussianNoise(settings["batch_augment"]["noise_std"])(x)
    return x


def batch_norm(settings: Mapping[str, Any]):
    """A batch-norm layer whose running statistics follow about 1 / (1 - `bn_momentum`) recent
    batches: Keras' 0.99 averages 100 batches, several epochs of a small dataset, so early valid
    losses (and early stopping) would see stale statistics."""
    return layers.BatchNormalization(momentum=settings["bn_momentum"])


def conv_blocks(x, conv, pool, settings: Mapping[str, Any]):
    """One block per entry of `filters`: conv (`kernel_size`), batch norm, ReLU, max pool."""
    for filters in settings["filters"]:
        x = conv(filters, settings["kernel_size"], padding="same", use_bias=False)(x)
        x = layers.Activation("relu")(batch_norm(settings)(x))
        x = pool(settings["pool_size"], padding="same")(x)
    return x


OUTPUT = "output"  # set in a network's settings by `fit`: the task's `outputs.Output`


def output_of(settings: Mapping[str, Any]) -> Output:
    """The output a network is built with: the task's (`fit` sets it), else softmax."""
    return settings.get(OUTPUT, SOFTMAX)


def output_activation(settings: Mapping[str, Any]) -> str:
    """softmax over the classes, or (a tagger) a sigmoid per tag."""
    return output_of(settings).activation


def head_and_compile(inputs, x, n_classes: int, settings: Mapping[str, Any], name: str) -> keras.Model:
    """Dropout, dense (named `embedding`), dropout, softmax (multi-label: sigmoid); compiled
    with Adam."""
    x = layers.Dropout(settings["dropout"])(x)
    x = layers.Dense(settings["dense"], activation="relu", name="embedding")(x)
    x = layers.Dropout(settings["dropout"])(x)
    # float32 probabilities even under a mixed-precision policy
    outputs = layers.Dense(n_classes, activation=output_activation(settings), dtype="float32")(x)
    return compile_network(keras.Model(inputs, outputs, name=name), settings)


def compile_network(network: keras.Model, settings: Mapping[str, Any]) -> keras.Model:
    """Compile for the output's targets (one-hot: cross-entropy; a tagger's: binary cross-entropy
    per tag, watched by the mean ROC-AUC over tags) with `label_smoothing`, AdamW with
    `weight_decay` (plain Adam when 0) at `learning_rate`."""
    decay = settings["weight_decay"]
    optimizer = (keras.optimizers.AdamW(settings["learning_rate"], weight_decay=decay) if decay
                 else keras.optimizers.Adam(settings["learning_rate"]))
    output = output_of(settings)
    network.compile(optimizer=optimizer, loss=output.build_loss(keras, settings["label_smoothing"]),
                    metrics=output.build_metrics(keras))
    return network


def normalise(stats: BandStats | None, windows: np.ndarray) -> np.ndarray:
    """Windows standardised band by band (band-normalised models), else as float32."""
    return stats.apply(windows) if stats is not None else np.asarray(windows, dtype=np.float32)


def prepare(entry: ModelEntry, stats: BandStats | None, windows: np.ndarray) -> np.ndarray:
    """Windows of features -> the network's input: normalised (band-normalised models), then
    laid out by the model's own `layout`."""
    return importlib.import_module(entry.module).layout(normalise(stats, windows))


def shift_hop(features: FeatureSet, kind: str) -> int | None:
    """How many steps of the last axis (frames or samples) separate stored windows, when
    shifted training windows can be stitched from them (a time axis, no gaps); else None."""
    if kind not in ("image", "musicnn_input", "waveform"):
        return None
    width = features.window_shape[-1]
    hop = round(width * features.index["hop_samples"] / features.index["window_samples"])
    return hop if 1 < hop <= width else None


def _schedule(settings: Mapping[str, Any], monitor: str) -> list:
    """The learning-rate schedule as callbacks: `plateau` halves the rate after half the
    early-stopping patience without progress; `cosine` decays it to 0 over `epochs`."""
    schedule = settings["schedule"]
    if schedule == "plateau":
        return [keras.callbacks.ReduceLROnPlateau(monitor=monitor, factor=0.5, min_lr=1e-6,
                                                  patience=max(1, settings["patience"] // 2))]
    if schedule == "cosine":
        rate, epochs = settings["learning_rate"], settings["epochs"]
        return [keras.callbacks.LearningRateScheduler(
            lambda epoch: 0.5 * rate * (1 + np.cos(np.pi * epoch / epochs)))]
    return []


def fit(entry: ModelEntry, settings: Mapping[str, Any], features: FeatureSet, folder: Path, *,
        task, seed: int, mixed_precision: bool, loader_workers: int, log_metric) -> dict:
    """Train on the train split of `features` for `task` (its output layer and targets; early
    stopping on valid; float16 compute with
    `mixed_precision`, batches loaded in `loader_workers` threads), save `folder/model.keras`;
    returns the meta data to record (normalisation, history)."""
    from .loader import Batching, WindowSequence

    seed_everything(seed)
    stats = band_stats(features, "train") if entry.band_normalised else None
    module = importlib.import_module(entry.module)
    settings = {**settings, OUTPUT: task.output}  # softmax, or a tagger's sigmoid per tag
    batching = Batching(batch_size=settings["batch_size"], seed=seed,
                        prepare=lambda x: normalise(stats, x), layout=module.layout, one_hot=True,
                        targets_of=lambda songs: task.loader_targets(features, songs))
    kind = input_kind(entry, features.window_shape)
    augment = settings["batch_augment"]
    train = WindowSequence(features, "train", features.classes, replace(
        batching, shuffle=True, augment=BatchAugment(augment, kind),
        shift_hop=shift_hop(features, kind) if augment["shift"] else None), workers=loader_workers)
    valid = (WindowSequence(features, "valid", features.classes, replace(batching, shuffle=False),
                            workers=loader_workers) if features.songs("valid") else None)
    input_shape = prepare(entry, stats, np.zeros((1, *features.window_shape), np.float32)).shape[1:]
    # float16 compute with float32 weights: faster on GPUs with tensor cores (slower on CPUs)
    keras.mixed_precision.set_global_policy("mixed_float16" if mixed_precision else "float32")
    try:
        network = module.build_network(input_shape, len(task.outputs(features)), settings)
        log.info("%s: %d parameters, input %s, %d batches per epoch", entry.name,
                 network.count_params(), input_shape, len(train))
        pretrained = {}
        if hasattr(module, "pretrain"):  # e.g. an autoencoder's encoder, without labels
            unlabeled = WindowSequence(features, "train", features.classes,
                                       replace(batching, one_hot=False), workers=loader_workers)
            pretrained = module.pretrain(network, unlabeled, settings, log_metric)
        monitor = "val_loss" if valid is not None else "loss"
        # the first `min_epochs` are neither judged nor kept: on a small dataset the valid loss
        # of the first epochs is noise around chance, and stopping there keeps an untrained net
        callbacks = [keras.callbacks.EarlyStopping(monitor=monitor, patience=settings["patience"],
                                                   start_from_epoch=settings["min_epochs"],
                                                   restore_best_weights=True),
                     *_schedule(settings, monitor), _Curves(log_metric)]
        fitted = network.fit(train, validation_data=valid, epochs=settings["epochs"],
                             callbacks=callbacks, verbose=2)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    network.save(folder / entry.file)
    canonical_keras(folder / entry.file)
    losses = fitted.history[monitor]
    # the kept epoch: the best judged one (after min_epochs), else the last (see EarlyStopping)
    first = settings["min_epochs"]
    kept = first + int(np.argmin(losses[first:])) if len(losses) > first else len(losses) - 1
    history = {"epochs_run": len(losses), "best_epoch": kept + 1,
               "best_" + monitor: float(losses[kept]), **pretrained}
    return {"normalization": stats.to_dict() if stats else None, "history": history}


class _Curves(keras.callbacks.Callback):
    """Every epoch's metrics to `log_metric(name, value, step)`."""

    def __init__(self, log_metric):
        super().__init__()
        self.log_metric = log_metric

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.log_metric(keras_metric_name(key), value, epoch)


def load(path: Path) -> keras.Model:
    """Load a `.keras` network saved by `fit`."""
    if not path.is_file():
        raise DataError(f"{path}: not found; expected the model of a trained run")
    try:
        return keras.saving.load_model(path)
    except Exception as exc:  # a damaged archive: zipfile, JSON, h5 or Keras errors
        raise DataError(f"{path}: not a readable Keras model ({type(exc).__name__}: {exc})") from None


def predict_windows(network: keras.Model, entry: ModelEntry,
                    normalization: Mapping[str, Any] | None, windows: np.ndarray,
                    batch_size: int) -> np.ndarray:
    """Class probabilities of each window, shape (n_windows, n_classes), in batches of
    `batch_size`; `normalization` is the band statistics `fit` recorded (None when the model
    is not band-normalised)."""
    stats = BandStats.from_dict(normalization) if normalization else None
    return infer(network, prepare(entry, stats, windows), batch_size).astype(np.float64)
