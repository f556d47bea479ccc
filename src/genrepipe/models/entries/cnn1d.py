"""The `cnn1d` entry: convolution over time, bands as channels."""

from __future__ import annotations

from ..entry import ModelEntry
from ._shared import VECTORS, cnn, network_spec

ENTRY = ModelEntry(
    "cnn1d", "keras", VECTORS, network_spec(cnn([32, 64, 64], kernel_size=5, epochs=40)),
    "conv blocks (conv, batch norm, ReLU, max pool) over time with bands as channels "
    "(over frequency for a vector), pooling, dense (`embedding`), dropout, softmax",
    band_normalised=True)
