"""`cnn2d`: convolution over the band x time image."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.backend import keras
from .network import conv_blocks, head_and_compile, input_noise

layers = keras.layers


def layout(x: np.ndarray) -> np.ndarray:
    """(n, bands, frames) -> (n, bands, frames, 1): a one-channel image."""
    return x[..., None]


def build_network(input_shape: tuple[int, ...], n_classes: int,
                  settings: Mapping[str, Any]) -> keras.Model:
    """2-D conv blocks -> global average pooling -> dense head, compiled."""
    inputs = keras.Input(shape=input_shape)
    x = conv_blocks(input_noise(inputs, settings), layers.Conv2D, layers.MaxPooling2D, settings)
    return head_and_compile(inputs, layers.GlobalAveragePooling2D()(x), n_classes, settings, "cnn2d")
