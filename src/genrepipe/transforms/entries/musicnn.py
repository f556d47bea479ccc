"""The `musicnn` entry: a pretrained musicnn network's activations."""

from __future__ import annotations

from ...core.schema import Choice
from ...pretrained.names import MUSICNN_LAYERS, MUSICNN_MODELS
from ..entry import TransformEntry
from ._shared import block


ENTRY = TransformEntry(
    "musicnn", "vector",
    block(model=Choice(choices=MUSICNN_MODELS, default=MUSICNN_MODELS[0]),
          layer=Choice(choices=MUSICNN_LAYERS, default="max_pool")),
    "a pretrained musicnn network's activations (`model`: MSD or MTT tags) at `layer`: "
    "`mean_pool`, `max_pool` (753), `pooled` (both, 1506), `penultimate` (200), `taggram` (50 tags)",
    threads=True)
