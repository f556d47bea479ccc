"""`cnn1d`: convolution over time with bands as channels (over frequency for a vector)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.backend import keras
from .network import conv_blocks, head_and_compile, input_noise

layers = keras.layers


def layout(x: np.ndarray) -> np.ndarray:
    """(n, bands, frames) -> (n, frames, bands): time steps with bands as channels;
    (n, bins) -> (n, bins, 1): convolution over frequency."""
    if x.ndim == 3:
        return np.ascontiguousarray(np.swapaxes(x, 1, 2))
    return x[..., None]


def build_network(input_shape: tuple[int, ...], n_classes: int,
                  settings: Mapping[str, Any]) -> keras.Model:
    """Conv blocks -> pooling -> dense head, compiled.

    Over time the whole window is summarised (global average pooling); over frequency where a
    pattern sits matters, so the maps are flattened instead.
    """
    inputs = keras.Input(shape=input_shape)
    x = conv_blocks(input_noise(inputs, settings), layers.Conv1D, layers.MaxPooling1D, settings)
    x = layers.Flatten()(x) if input_shape[-1] == 1 else layers.GlobalAveragePooling1D()(x)
    return head_and_compile(inputs, x, n_classes, settings, "cnn1d")
