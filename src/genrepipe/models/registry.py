"""The model registry: every model genrepipe trains, found in `models/entries/`.

An entry (`models.entry.ModelEntry`) gives the model's name (its key under `models` in
params.yaml, its module `genrepipe.models.<name>` and its entry module
`genrepipe.models.entries.<name>`), its family (how it is trained, saved and loaded), the kinds
of transform output it accepts, its params spec, and how its inputs are prepared. The params
schema, the run pairing, the train and evaluate stages, `genrepipe predict` and `genrepipe list`
all read it.

Adding a model: an entry module `models/entries/<name>.py` defining ``ENTRY``, a module
`models/<name>.py` (a scikit-learn model defines ``estimator(settings, seed, n_jobs)``; a Keras
model ``build_network(input_shape, n_classes, settings)`` and ``layout(x)``), and a block under
`models` in params.yaml (the README walks through an example). Only the new model's stages
depend on its two modules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.errors import ParameterError
from ..core.registry import Registry
from ..transforms.entry import KIND_AXES
from .entry import FAMILIES, META, Family, ModelEntry

__all__ = ["FAMILIES", "META", "MODELS", "Family", "ModelEntry", "get_model", "input_kind",
           "model_settings"]

MODELS: Registry = Registry("genrepipe.models.entries", block="models")


def get_model(name: str) -> ModelEntry:
    """The registry entry of `name`; an unknown name fails with the list of known ones."""
    try:
        return MODELS[name]
    except KeyError:
        raise ParameterError(f"model={name!r} is not supported; expected one of: "
                             + ", ".join(MODELS)) from None


def model_settings(models: Mapping[str, Any], name: str):
    """The settings of model `name`: its block in `models`, defaults filled in when absent."""
    return models.get(name) or MODELS[name].spec.check(f"models.{name}", {})


def input_kind(entry: ModelEntry, window_shape: Sequence[int]) -> str:
    """The kind of transform output a model is trained on, from the shape of one window's
    features: the one kind it accepts with that many axes. (The params check pairs every run's
    model with its transform's kind, so it is unique; the train stage needs no transform entry.)"""
    kinds = [kind for kind in entry.accepts if KIND_AXES[kind] == len(window_shape)]
    if len(kinds) != 1:
        raise ParameterError(f"model {entry.name!r}: features of shape {tuple(window_shape)} are "
                             f"not one kind it accepts; expected " + " or ".join(
                                 f"{kind} ({KIND_AXES[kind]} axes)" for kind in entry.accepts))
    return kinds[0]
