"""The `musicnn_mel` entry: musicnn's own input, for fine-tuning it."""

from __future__ import annotations

from ..entry import TransformEntry
from ._shared import block

ENTRY = TransformEntry(
    "musicnn_mel", "musicnn_input", block(),
    "musicnn's input, for fine-tuning it: 16 kHz mel power, 96 bands, `log10(10000 x + 1)`, "
    "`(96, frames)`")
