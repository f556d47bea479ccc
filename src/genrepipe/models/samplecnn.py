"""`samplecnn`: SampleCNN on the raw waveform (seed 003)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.backend import keras
from .network import batch_norm, head_and_compile, input_noise

layers = keras.layers


def layout(x: np.ndarray) -> np.ndarray:
    """(n, samples) -> (n, samples, 1): convolution over the samples."""
    return x[..., None]


def build_network(input_shape: tuple[int, ...], n_classes: int,
                  settings: Mapping[str, Any]) -> keras.Model:
    """SampleCNN (Lee et al. 2017; Kim, Lee & Nam 2019): size-3 convolutions and size-3 pooling
    from the sample level up.

    With ``level: window`` every window is first scaled to zero mean and unit variance, so a
    quiet recording and a loud one give the same input. A strided size-3 conv (`filters[0]`)
    frames the waveform; each later entry of `filters` is a block: conv 3, batch norm, ReLU,
    (with ``block: se``, squeeze-and-excitation), max pool 3. Global max pooling, then the dense
    head.
    """
    inputs = keras.Input(shape=input_shape)
    x = input_noise(inputs, settings)
    if settings["level"] == "window":
        x = layers.LayerNormalization(axis=(1, 2), center=False, scale=False, epsilon=1e-6,
                                      name="window_level")(x)
    x = layers.Conv1D(settings["filters"][0], 3, strides=3, padding="same", use_bias=False)(x)
    x = layers.Activation("relu")(batch_norm(settings)(x))
    for filters in settings["filters"][1:]:
        x = layers.Conv1D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.Activation("relu")(batch_norm(settings)(x))
        if settings["block"] == "se":
            x = _squeeze_excite(x, filters, settings["se_ratio"])
        x = layers.MaxPooling1D(3, padding="same")(x)
    x = layers.GlobalMaxPooling1D()(x)
    return head_and_compile(inputs, x, n_classes, settings, "samplecnn")


def _squeeze_excite(x, filters: int, ratio: float):
    """Re-weight channels by a gate computed from their average over time."""
    gate = layers.GlobalAveragePooling1D()(x)
    gate = layers.Dense(max(1, int(filters * ratio)), activation="relu")(gate)
    gate = layers.Dense(filters, activation="sigmoid")(gate)
    return layers.Multiply()([x, layers.Reshape((1, filters))(gate)])
