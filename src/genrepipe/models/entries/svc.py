"""The `svc` entry: an RBF support vector machine."""

from __future__ import annotations

from ...core.schema import positive
from ..entry import ModelEntry
from ._shared import GAMMA, VECTORS, searchable

ENTRY = ModelEntry(
    "svc", "sklearn", VECTORS, searchable({"C": positive(default=10.0), "gamma": GAMMA}, "C", "gamma"),
    "RBF SVM after `StandardScaler`, probabilities from `CalibratedClassifierCV` with "
    "song-disjoint folds (as for every calibrated model)", calibrated=True)
