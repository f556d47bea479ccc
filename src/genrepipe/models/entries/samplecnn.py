"""The `samplecnn` entry: SampleCNN on the raw waveform (seed 003)."""

from __future__ import annotations

from ...core.schema import Choice, ListOf, Number, integer
from ..entry import ModelEntry
from ._shared import network_spec, training

ENTRY = ModelEntry("samplecnn", "keras", ("waveform",), network_spec({
    "filters": ListOf(item=integer(min=1, max=1024), min_len=2,
                      default=[16, 16, 32, 32, 32, 64, 64, 64]),
    "block": Choice(choices=("basic", "se"), default="basic"),
    "se_ratio": Number(min=0, max=1, min_exclusive=True, default=0.25),
    "level": Choice(choices=("window", "none"), default="window"),
    **training(30),
}), "SampleCNN (seed 003): a strided size-3 conv, then size-3 conv and size-3 max-pool blocks "
    "from sample level up; `block: se` adds squeeze-and-excitation, `level: window` scales "
    "each window to unit variance first")
