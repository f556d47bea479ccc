"""Keras 3 CNNs (cnn1d, cnn2d, samplecnn) and the input layout each expects.

Plain Keras: no backend-specific calls, so another Keras backend is a one-line change.
"""

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
    - cnn1d on vectors (fft): (n, bins) -> (n, bins, 1), convolution over frequency;
    - samplecnn: (n, samples) -> (n, samples, 1), convolution over the raw waveform.
    """
    if model == "cnn2d" and x.ndim == 3:
        return x[..., None]
    if model == "cnn1d" and x.ndim == 3:
        return np.ascontiguousarray(np.swapaxes(x, 1, 2))
    if model in ("cnn1d", "samplecnn") and x.ndim == 2:
        return x[..., None]
    raise ParameterError(f"model={model!r} cannot take windows of shape {x.shape[1:]}")


def build_network(model: str, input_shape: tuple[int, ...], n_classes: int,
                  settings: Mapping[str, Any]) -> keras.Model:
    """The compiled network of a Keras model name."""
    if model == "samplecnn":
        return build_samplecnn(input_shape, n_classes, settings)
    return build_cnn(model, input_shape, n_classes, settings)


def _head_and_compile(inputs, x, n_classes: int, settings: Mapping[str, Any], name: str) -> keras.Model:
    x = layers.Dropout(settings["dropout"])(x)
    x = layers.Dense(settings["dense"], activation="relu", name="embedding")(x)
    x = layers.Dropout(settings["dropout"])(x)
    # float32 probabilities even under a mixed-precision policy
    outputs = layers.Dense(n_classes, activation="softmax", dtype="float32")(x)
    network = keras.Model(inputs, outputs, name=name)
    network.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]),
                    loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return network


def _input_noise(x, settings: Mapping[str, Any]):
    if settings["augment"]["noise_std"] > 0:  # active while training only
        return layers.GaussianNoise(settings["augment"]["noise_std"])(x)
    return x


def build_samplecnn(input_shape: tuple[int, ...], n_classes: int,
                    settings: Mapping[str, Any]) -> keras.Model:
    """SampleCNN (Lee et al. 2017; Kim, Lee & Nam 2019): size-3 convolutions and size-3 pooling
    from the sample level up.

    A strided size-3 conv (`filters[0]`) frames the waveform; each later entry of `filters` is a
    block: conv 3, batch norm, ReLU, (with ``block: se``, squeeze-and-excitation), max pool 3.
    Global max pooling, then the dense head.
    """
    inputs = keras.Input(shape=input_shape)
    x = _input_noise(inputs, settings)
    x = layers.Conv1D(settings["filters"][0], 3, strides=3, padding="same", use_bias=False)(x)
    x = layers.Activation("relu")(layers.BatchNormalization()(x))
    for filters in settings["filters"][1:]:
        x = layers.Conv1D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.Activation("relu")(layers.BatchNormalization()(x))
        if settings["block"] == "se":
            x = _squeeze_excite(x, filters, settings["se_ratio"])
        x = layers.MaxPooling1D(3, padding="same")(x)
    x = layers.GlobalMaxPooling1D()(x)
    return _head_and_compile(inputs, x, n_classes, settings, "samplecnn")


def _squeeze_excite(x, filters: int, ratio: float):
    """Re-weight channels by a gate computed from their average over time."""
    gate = layers.GlobalAveragePooling1D()(x)
    gate = layers.Dense(max(1, int(filters * ratio)), activation="relu")(gate)
    gate = layers.Dense(filters, activation="sigmoid")(gate)
    return layers.Multiply()([x, layers.Reshape((1, filters))(gate)])


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
    x = _input_noise(inputs, settings)
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
    return _head_and_compile(inputs, x, n_classes, settings, model)
