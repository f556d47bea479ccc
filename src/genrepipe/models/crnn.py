"""`crnn`: a convolutional front end over the spectrogram, then a bidirectional recurrent layer
(GRU or LSTM) over time (seed 004's CRNN / LSTM): the convolutions see timbre, the recurrence
sees how it unfolds across the window."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.backend import keras
from .network import conv_blocks, head_and_compile, input_noise

layers = keras.layers


def layout(x: np.ndarray) -> np.ndarray:
    """(n, bands, frames) -> (n, frames, bands, 1): time first, for the recurrence."""
    return np.ascontiguousarray(np.swapaxes(x, 1, 2))[..., None]


def build_network(input_shape: tuple[int, ...], n_classes: int,
                  settings: Mapping[str, Any]) -> keras.Model:
    """2-D conv blocks (pooling time and frequency), the remaining frequencies and channels as
    one vector per time step, a bidirectional `rnn` of `units`, the dense head; compiled."""
    inputs = keras.Input(shape=input_shape)
    x = conv_blocks(input_noise(inputs, settings), layers.Conv2D, layers.MaxPooling2D, settings)
    steps, bands, channels = x.shape[1], x.shape[2], x.shape[3]
    x = layers.Reshape((steps, bands * channels))(x)
    cell = layers.GRU if settings["rnn"] == "gru" else layers.LSTM
    x = layers.Bidirectional(cell(settings["units"]), name="recurrent")(x)
    return head_and_compile(inputs, x, n_classes, settings, "crnn")
