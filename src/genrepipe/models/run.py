"""A run of params.yaml resolved into what training needs: which model with its completed settings,
on which transform, at which level, with which seed; where its files go; how many threads it may
use. The train stage builds these from params (`RunSpec.from_params`); tests and benchmarks build
them directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .registry import model_settings


@dataclass(frozen=True)
class RunSpec:
    """A run: `model` (a registry name) with `settings` (its params block, completed by its
    spec) on the features of `transform`, a row per window or per song (`level`, scikit-learn
    models), seeded by `seed`; `mixed_precision`: float16 compute for Keras models."""

    name: str
    model: str
    transform: str
    settings: Mapping[str, Any]
    seed: int
    level: str = "window"
    mixed_precision: bool = False

    @classmethod
    def from_params(cls, params, name: str) -> RunSpec:
        """Run `name` of a checked params tree (reads `runs.<name>`, `models.<model>`, `seed`,
        `train.mixed_precision`)."""
        run = params.runs[name]
        return cls(name, run.model, run.transform, model_settings(params.models, run.model),
                   params.seed, run.level, params.train.mixed_precision)


@dataclass(frozen=True)
class TrainPaths:
    """Where a run reads its features and writes its model folder and curves; the training time
    goes to `timing_dir` (not a DVC output) and the songs' provenance comes from `manifest`
    (data/raw/manifest.csv), each when given."""

    features_dir: str | Path
    out_dir: str | Path
    curves_dir: str | Path
    timing_dir: str | Path | None = None
    manifest: str | Path | None = None


@dataclass(frozen=True)
class Threads:
    """Threads a run may use: `n_jobs` for the scikit-learn models that use them, `loaders` for
    loading a Keras model's batches. Neither changes an output."""

    n_jobs: int = 1
    loaders: int = 2
