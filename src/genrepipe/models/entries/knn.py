"""The `knn` entry: k nearest neighbours."""

from __future__ import annotations

from ...schema import Block, Choice, integer
from ..entry import ModelEntry
from ._shared import VECTORS

ENTRY = ModelEntry("knn", "sklearn", VECTORS, Block(fields={
    "n_neighbors": integer(min=1, max=10000, default=5),
    "weights": Choice(choices=("uniform", "distance"), default="distance"),
}), "k nearest neighbours")
