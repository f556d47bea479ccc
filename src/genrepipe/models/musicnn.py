"""`musicnn`: the pretrained musicnn network fine-tuned to the dataset's classes (seed 002's
fine-tuning, with a music network instead of an ImageNet one). Its input is the `musicnn_mel`
transform; a new softmax head replaces the 50 tags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.backend import keras
from ..pretrained.musicnn import FRONTEND, build, load_weights
from .network import compile_network, output_activation

layers = keras.layers


def layout(x: np.ndarray) -> np.ndarray:
    """(n, 96, frames) -> (n, frames, 96), the network's (time, bands) input."""
    return np.ascontiguousarray(np.swapaxes(x, 1, 2))


def build_network(input_shape: tuple[int, ...], n_classes: int,
                  settings: Mapping[str, Any]) -> keras.Model:
    """The pretrained network up to `penultimate`, dropout and a softmax over the classes (a
    sigmoid per tag, multi-label), compiled.

    `freeze`: `all` trains the head only, `frontend` also the mid-end and back-end (the timbral and
    temporal filters stay), `none` everything. Frozen batch norms keep their pretrained statistics.
    """
    network = load_weights(build(), settings["pretrained"], key="models.musicnn.pretrained")
    for layer in network.layers:
        layer.trainable = settings["freeze"] == "none" or (
            settings["freeze"] == "frontend" and layer.name not in FRONTEND)
    x = layers.Dropout(settings["dropout"])(network.get_layer("penultimate").output)
    outputs = layers.Dense(n_classes, activation=output_activation(settings), dtype="float32",
                           name="genre")(x)
    return compile_network(keras.Model(network.inputs, outputs, name="musicnn_finetuned"), settings)
