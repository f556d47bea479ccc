"""The `logreg` entry: logistic regression."""

from __future__ import annotations

from ...core.schema import integer, positive
from ..entry import ModelEntry
from ._shared import VECTORS, searchable

ENTRY = ModelEntry(
    "logreg", "sklearn", VECTORS,
    searchable({"C": positive(default=1.0), "max_iter": integer(min=1, default=2000)}, "C"),
    "logistic regression")
