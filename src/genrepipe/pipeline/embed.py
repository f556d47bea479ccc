"""The embed stage: a trained network's activations for every windowed song (see `models.embedder`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..models.embedder import compute_embedding
from .transform import transform_all


def embed_all(name: str, settings: Mapping[str, Any], windows_dir: str | Path,
              out_dir: str | Path) -> dict:
    """Write embedding `name` (its `embeddings.<name>` block: model, layer, input, dtype) of
    every song into `out_dir`, indexed like a transform's output (a run names it as its
    transform). The network runs here, one song at a time, whatever `executor` says:
    TensorFlow spreads it over the cores."""
    return transform_all(name, settings, windows_dir, out_dir, jobs=1, dask=None,
                         function=compute_embedding)
