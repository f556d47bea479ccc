"""The `rfc` entry: a random forest."""

from __future__ import annotations

from ...core.schema import Block, Choice, Either, Number, integer
from ..entry import ModelEntry
from ._shared import VECTORS

ENTRY = ModelEntry("rfc", "sklearn", VECTORS, Block(fields={
    "n_estimators": integer(min=1, max=100000, default=300),
    "max_depth": integer(min=1, max=1000, nullable=True, default=None),
    "min_samples_leaf": integer(min=1, max=100000, default=1),
    "max_features": Either(options=(Choice(choices=("sqrt", "log2")),
                                    Number(min=0, max=1, min_exclusive=True)), default="sqrt"),
}), "random forest")
