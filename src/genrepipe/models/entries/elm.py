"""The `elm` entry: an extreme learning machine."""

from __future__ import annotations

from ...core.schema import Block, integer, positive
from ..entry import ModelEntry
from ._shared import VECTORS

ENTRY = ModelEntry("elm", "sklearn", VECTORS, Block(fields={
    "n_hidden": integer(min=1, max=100000, default=1000),
    "alpha": positive(default=1.0),
}), "extreme learning machine: a seeded random tanh layer and a ridge readout "
    "(`genrepipe.models.elm`)")
