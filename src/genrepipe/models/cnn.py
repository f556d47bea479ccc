"""Keras 3 CNNs (cnn1d, cnn2d) and the input layout each expects. Plain Keras: no backend calls."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..backend import keras
from ..errors import ParameterError

layers = keras.layers


def input_layout(model: str, x: np.ndarray) -> np.ndarray:
    """Arrange a batch of normalised windows for `model`.

    - cnn2d: (n, bands, frames) -> (n, bands, frames, 1), one channel image;
    - cnn1d on images: (n, bands, frames) -> (n, frames, bands), convolution over time with
      bands as channels;
    - cnn1d on vectors (fft): (n, bins) -> (n, bins, 1), convolution over frequency.
    """
    if model == "cnn2d" and x.ndim == 3:
        return x[..., None]
    if model == "cnn1d" and x.ndim == 3:
        return np.ascontiguousarray(np.swapaxes(x, 1, 2))
    if model == "cnn1d" and x.ndim == 2:
        return x[..., None]
    raise ParameterError(f"model={model!r} cannot take windows of shape {x.shape[1:]}")


def build_cnn(model: str, input_shape: tuple[int, ...], n_classes: int,
              settings: Mapping[str, Any]) -> keras.Model:
    """Conv blocks (conv, batch norm, ReLU, max pool) -> pooling -> dense -> softmax, compiled.

    Parameters
    ----------
    model : {"cnn1d", "cnn2d"}
    input_shape : tuple
        One example after `input_layout` (without the batch axis).
    n_classes : int > 1
    settings : mapping
        `models.<model>` params: filters, kernel_size, pool_size, dense, dropout,
        learning_rate, augment.noise_std.
    """
    conv, pool = ((layers.Conv2D, layers.MaxPooling2D) if model == "cnn2d"
                  else (layers.Conv1D, layers.MaxPooling1D))
    inputs = keras.Input(shape=input_shape)
    x = inputs
    if settings["augment"]["noise_std"] > 0:  # active while training only
        x = layers.GaussianNoise(settings["augment"]["noise_std"])(x)
    for filters in settings["filters"]:
        x = conv(filters, settings["kernel_size"], padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = pool(settings["pool_size"], padding="same")(x)
    if model == "cnn2d":
        x = layers.GlobalAveragePooling2D()(x)
    elif input_shape[-1] == 1:  # convolution over frequency: where a pattern sits matters
        x = layers.Flatten()(x)
    else:  # convolution over time: summarise the whole window
        x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(settings["dropout"])(x)
    x = layers.Dense(settings["dense"], activation="relu")(x)
    x = layers.Dropout(settings["dropout"])(x)
    outputs = layers.Dense(n_classes, activation="softmax")(x)
    network = keras.Model(inputs, outputs, name=model)
    network.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return network
