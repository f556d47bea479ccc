"""The `linsvm` entry: a linear SVM."""

from __future__ import annotations

from ...core.schema import Block, integer, positive
from ..entry import ModelEntry
from ._shared import VECTORS

ENTRY = ModelEntry(
    "linsvm", "sklearn", VECTORS,
    Block(fields={"C": positive(default=1.0), "max_iter": integer(min=1, default=5000)}),
    "linear SVM (calibrated)", calibrated=True)
