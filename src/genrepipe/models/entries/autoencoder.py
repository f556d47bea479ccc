"""The `autoencoder` entry: an encoder-classifier (seed 004)."""

from __future__ import annotations

from ...core.schema import Choice, Flag, integer
from ..entry import ModelEntry
from ._shared import cnn, network_spec

ENTRY = ModelEntry("autoencoder", "keras", ("image",), network_spec({
    **cnn([16, 32, 32], kernel_size=3, epochs=30),
    "pretrain_epochs": integer(min=1, max=10000, default=15),
    "freeze_encoder": Flag(default=True),
    "pool": Choice(choices=("time", "global"), default="time"),
}), "encoder-classifier (seed 004): a convolutional autoencoder trained without labels on "
    "the training windows (`pretrain_epochs`), its encoder frozen (`freeze_encoder`), then "
    "the dense head trained on the code's mean and max over time per band row (`pool: "
    "time`) or over the whole map (`global`)", band_normalised=True)
