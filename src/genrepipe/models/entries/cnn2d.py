"""The `cnn2d` entry: convolution over the band x time image."""

from __future__ import annotations

from ..entry import ModelEntry
from ._shared import cnn, network_spec

ENTRY = ModelEntry(
    "cnn2d", "keras", ("image",), network_spec(cnn([16, 32, 64, 64], kernel_size=3, epochs=30)),
    "the same blocks in 2-D over the band x time image", band_normalised=True)
