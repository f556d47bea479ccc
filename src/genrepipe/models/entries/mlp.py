"""The `mlp` entry: scikit-learn's multi-layer perceptron."""

from __future__ import annotations

from ...core.schema import Block, ListOf, Number, integer, positive
from ..entry import ModelEntry
from ._shared import VECTORS

ENTRY = ModelEntry("mlp", "sklearn", VECTORS, Block(fields={
    "hidden": ListOf(item=integer(min=1, max=65536), min_len=1, default=[256, 128]),
    "alpha": Number(min=0, default=1e-3),
    "learning_rate": positive(max=1, default=1e-3),
    "max_iter": integer(min=1, default=300),
}), "scikit-learn's multi-layer perceptron (seed 001)")
