"""The `logreg` entry: logistic regression."""

from __future__ import annotations

from ...schema import Block, integer, positive
from ..entry import ModelEntry
from ._shared import VECTORS

ENTRY = ModelEntry(
    "logreg", "sklearn", VECTORS,
    Block(fields={"C": positive(default=1.0), "max_iter": integer(min=1, default=2000)}),
    "logistic regression")
