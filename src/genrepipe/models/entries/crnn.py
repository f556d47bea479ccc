"""The `crnn` entry: conv blocks, then a recurrent layer over time (seed 004)."""

from __future__ import annotations

from ...core.schema import Choice, integer
from ..entry import ModelEntry
from ._shared import cnn, network_spec

ENTRY = ModelEntry("crnn", "keras", ("image",), network_spec({
    **cnn([16, 32, 32], kernel_size=3, epochs=30),
    "rnn": Choice(choices=("gru", "lstm"), default="gru"),
    "units": integer(min=1, max=1024, default=32),
}), "convolutional blocks over the band x time image, then a bidirectional GRU or LSTM "
    "(`rnn`, `units`) over time, dense (`embedding`), softmax (seed 004)", band_normalised=True)
