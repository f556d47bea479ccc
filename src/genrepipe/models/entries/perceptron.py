"""The `perceptron` entry: a linear perceptron."""

from __future__ import annotations

from ...core.schema import Block, Choice, Number, integer
from ..entry import ModelEntry
from ._shared import VECTORS

ENTRY = ModelEntry("perceptron", "sklearn", VECTORS, Block(fields={
    "alpha": Number(min=0, default=1e-4),
    "penalty": Choice(choices=("l2", "l1", "elasticnet"), nullable=True, default=None),
    "max_iter": integer(min=1, default=1000),
}), "linear perceptron (calibrated)", calibrated=True)
