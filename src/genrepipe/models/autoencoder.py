"""`autoencoder`: seed 004's encoder-classifier. A convolutional autoencoder first learns to
reconstruct the training windows without their labels; its encoder is then frozen and a
classification head is trained on top of it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.backend import keras
from .network import batch_norm, compile_network, conv_blocks, head_and_compile, input_noise

layers = keras.layers
log = logging.getLogger(__name__)

CODE = "code"  # the encoder's last layer


def layout(x: np.ndarray) -> np.ndarray:
    """(n, bands, frames) -> (n, bands, frames, 1): a one-channel image."""
    return x[..., None]


def build_network(input_shape: tuple[int, ...], n_classes: int,
                  settings: Mapping[str, Any]) -> keras.Model:
    """The classifier: the encoder (2-D conv blocks, the last one named `code`), the mean and
    the maximum of the code, the dense head; compiled. `pretrain` trains the encoder first.

    With ``pool: time`` the mean and maximum are taken over time for each band row of the code,
    so the head still sees where in frequency a feature is (a frozen encoder's local filters
    cannot encode that in their channels); ``pool: global`` takes them over the whole map.
    """
    inputs = keras.Input(shape=input_shape)
    x = conv_blocks(input_noise(inputs, settings), layers.Conv2D, layers.MaxPooling2D, settings)
    x = layers.Identity(name=CODE)(x)
    if settings["pool"] == "time":
        bands, frames, channels = (int(size) for size in x.shape[1:])
        x = layers.Reshape((frames, bands * channels))(layers.Permute((2, 1, 3))(x))
        pooled = [layers.GlobalAveragePooling1D()(x), layers.GlobalMaxPooling1D()(x)]
    else:
        pooled = [layers.GlobalAveragePooling2D()(x), layers.GlobalMaxPooling2D()(x)]
    return head_and_compile(inputs, layers.Concatenate()(pooled), n_classes, settings, "autoencoder")


def decoder(code, target_shape: tuple[int, ...], settings: Mapping[str, Any]):
    """The encoder's blocks mirrored: upsample, conv, batch norm, ReLU; a linear 1-filter conv;
    cropped to the input's shape (pooling rounded sizes up)."""
    x = code
    for filters in reversed(settings["filters"]):
        x = layers.UpSampling2D(settings["pool_size"])(x)
        x = layers.Conv2D(filters, settings["kernel_size"], padding="same", use_bias=False)(x)
        x = layers.Activation("relu")(batch_norm(settings)(x))
    x = layers.Conv2D(1, settings["kernel_size"], padding="same", dtype="float32")(x)
    extra = [int(x.shape[i + 1]) - int(target_shape[i]) for i in range(2)]
    return layers.Cropping2D(((0, extra[0]), (0, extra[1])), name="reconstruction",
                             dtype="float32")(x)


def pretrain(network: keras.Model, windows: keras.utils.PyDataset, settings: Mapping[str, Any],
             log_metric) -> dict:
    """Train the encoder of `network` as an autoencoder on `windows` (batches of (x, label);
    labels unused) for `pretrain_epochs`, then freeze it (with `freeze_encoder`) and recompile
    `network` for the head. Returns the reconstruction losses."""
    code = network.get_layer(CODE).output
    autoencoder = keras.Model(network.inputs, decoder(code, network.inputs[0].shape[1:], settings),
                              name="autoencoder_pretraining")
    autoencoder.compile(optimizer=keras.optimizers.Adam(settings["learning_rate"]), loss="mse")
    history = autoencoder.fit(_Reconstruction(windows), epochs=settings["pretrain_epochs"], verbose=2)
    losses = [float(v) for v in history.history["loss"]]
    for epoch, value in enumerate(losses):
        log_metric("pretrain/loss", value, epoch)
    log.info("autoencoder: reconstruction loss %.4f -> %.4f", losses[0], losses[-1])
    if settings["freeze_encoder"]:
        encoder = keras.Model(network.inputs, code)
        for layer in encoder.layers:
            layer.trainable = False
        compile_network(network, settings)
    return {"reconstruction_loss": losses}


class _Reconstruction(keras.utils.PyDataset):
    """(x, label) batches as (x, x)."""

    def __init__(self, windows: keras.utils.PyDataset):
        super().__init__()
        self.windows = windows

    def __len__(self) -> int:
        return len(self.windows)

    def __getitem__(self, index: int):
        x, _ = self.windows[index]
        return x, x

    def on_epoch_end(self) -> None:
        self.windows.on_epoch_end()
