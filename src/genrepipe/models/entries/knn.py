"""The `knn` entry: k nearest neighbours."""

from __future__ import annotations

from ...core.schema import Choice, integer
from ..entry import ModelEntry
from ._shared import VECTORS, searchable

ENTRY = ModelEntry("knn", "sklearn", VECTORS, searchable({
    "n_neighbors": integer(min=1, max=10000, default=5),
    "weights": Choice(choices=("uniform", "distance"), default="distance"),
}, "n_neighbors", "weights"), "k nearest neighbours")
