"""What a model entry is (`ModelEntry`) and the two families models are trained, saved and loaded
by. The entries themselves live one per module in `models/entries/` (see `genrepipe.core.registry`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core.schema import Block

META = "meta.json"  # next to the model in every model folder: what prediction needs


@dataclass(frozen=True)
class Family:
    """How a family of models is trained, saved and loaded: `module` defines ``fit(...)``,
    ``load(folder)`` and ``predict_windows(...)`` (see `models.classic`, `models.network`).
    `fit` and `predict_windows` take what their family uses, so their callers
    (`pipeline.train`, `trained.TrainedRun`) give each family its own arguments."""

    name: str
    file: str
    module: str


FAMILIES = {
    "sklearn": Family("sklearn", "model.skops", "genrepipe.models.classic"),
    "keras": Family("keras", "model.keras", "genrepipe.models.network"),
}


@dataclass(frozen=True)
class ModelEntry:
    """One model: its family, the transform kinds it accepts, its params spec, and how its
    inputs are prepared.

    calibrated : scikit-learn models without `predict_proba`: probabilities from
        `CalibratedClassifierCV` with song-disjoint folds.
    whole_windows : scikit-learn models that take whole windows (flattened) instead of one
        summary vector per window.
    band_normalised : Keras models whose inputs are standardised band by band (train statistics).
    check : why given settings cannot take a kind of transform output (None when they can),
        checked with the params.
    """

    name: str
    family: str
    accepts: tuple[str, ...]
    spec: Block
    summary: str
    calibrated: bool = False
    whole_windows: bool = False
    band_normalised: bool = False
    check: Callable[[Mapping[str, Any], str], str | None] | None = None

    @property
    def module(self) -> str:
        return f"genrepipe.models.{self.name}"

    @property
    def file(self) -> str:
        """The model's file in its folder (`model.skops` or `model.keras`)."""
        return FAMILIES[self.family].file

    @property
    def is_keras(self) -> bool:
        return self.family == "keras"
