"""What a transform entry is (`TransformEntry`) and the kinds of features transforms give. The
entries themselves live one per module in `transforms/entries/` (see `genrepipe.core.registry`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.schema import Block
from ..core.section import Section

# What one window's features are, which decides the models that can take them:
KINDS = {
    "vector": "one vector per window",
    "image": "a (bands, frames) image per window",
    "waveform": "the samples of the window",
    "musicnn_input": "musicnn's log-mel input (96 bands at 16 kHz) per window",
}
KIND_AXES = {"vector": 1, "image": 2, "waveform": 1, "musicnn_input": 2}  # of one window's features
DTYPES = ("float32", "float16")


@dataclass(frozen=True)
class TransformEntry:
    """One transform: its kind of output, its params spec and the checks that span keys."""

    name: str
    kind: str
    spec: Block
    summary: str
    # (settings, window_samples, sample_rate) -> None; raises ParameterError
    check: Callable[[Section, int, int], None] | None = None
    # computed by a network that spreads over the cores itself: songs one after another
    threads: bool = False

    @property
    def module(self) -> str:
        """Where `compute(y, sr, **params)` lives."""
        return f"genrepipe.transforms.{self.name}"
