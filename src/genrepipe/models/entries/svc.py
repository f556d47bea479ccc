"""The `svc` entry: an RBF support vector machine."""

from __future__ import annotations

from ...schema import Block, positive
from ..entry import ModelEntry
from ._shared import GAMMA, VECTORS

ENTRY = ModelEntry(
    "svc", "sklearn", VECTORS, Block(fields={"C": positive(default=10.0), "gamma": GAMMA}),
    "RBF SVM after `StandardScaler`, probabilities from `CalibratedClassifierCV` with "
    "song-disjoint folds (as for every calibrated model)", calibrated=True)
