"""The transform registry: every representation genrepipe computes, found in
`transforms/entries/`.

An entry (`transforms.entry.TransformEntry`) gives the transform's name (its key under
`transforms` in params.yaml, its DVC stage `transform@<name>`, its module
`genrepipe.transforms.<name>` and its entry module `genrepipe.transforms.entries.<name>`), the
kind of features it gives per window (which models can take them), its params spec (defaults
and checks) and the checks that need the window length. The params schema, the run pairing, the
transform stage, `genrepipe predict` and `genrepipe list` all read it.

Adding a transform: an entry module `transforms/entries/<name>.py` defining ``ENTRY``, a module
`transforms/<name>.py` with ``compute(y, sr, **params)`` acting on the last axis of ``y`` (a
stack of windows), and a block under `transforms` in params.yaml.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.errors import ParameterError
from ..core.registry import Registry
from .entry import DTYPES, KINDS, TransformEntry

__all__ = ["DTYPES", "KINDS", "TRANSFORMS", "TransformEntry", "compute", "featurize",
           "get_transform"]

TRANSFORMS: Registry = Registry("genrepipe.transforms.entries", block="transforms")


def get_transform(name: str) -> TransformEntry:
    """The registry entry of `name`; an unknown name fails with the list of known ones."""
    try:
        return TRANSFORMS[name]
    except KeyError:
        raise ParameterError(f"transform={name!r} is not supported; expected one of: "
                             + ", ".join(TRANSFORMS)) from None


def compute(name: str, y: np.ndarray, sr: int, settings: Mapping[str, Any]) -> np.ndarray:
    """Apply transform `name` to a stack of windows `y` (shape (..., n_samples)) at `sr` Hz,
    with its params block `settings` (all keys but `dtype`: see `featurize`)."""
    entry = get_transform(name)
    kwargs = {k: v for k, v in settings.items() if k != "dtype"}
    return importlib.import_module(entry.module).compute(y, sr, **kwargs)


def featurize(name: str, windows: np.ndarray, sr: int, settings: Mapping[str, Any]) -> np.ndarray:
    """The features of a stack of windows as the transform stage stores them: `compute`, then
    the block's `dtype`, C order. The one path from windows to features, shared by the
    transform stage, `genrepipe predict` and embeddings, so they cannot drift apart."""
    features = compute(name, windows, sr, settings)
    # C order: one contiguous block per window on disk (fast to write, and to memory-map by window)
    return np.ascontiguousarray(features, dtype=settings.get("dtype", "float32"))
