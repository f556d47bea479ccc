"""The `waveform` entry: the window's samples."""

from __future__ import annotations

from ...core.schema import fail, integer
from ...core.section import Section
from ..entry import TransformEntry
from ._shared import block, linear


def _check(settings: Section, window_samples: int, sr: int) -> None:
    linear("waveform", settings)
    if settings.sample_rate is not None and settings.sample_rate > sr:
        raise fail("transforms.waveform.sample_rate", settings.sample_rate, "is above sample_rate",
                   f"<= {sr}, or null to keep it")


ENTRY = TransformEntry(
    "waveform", "waveform",
    block(sample_rate=integer(min=1000, max=192000, nullable=True, default=8000)),
    "the window's samples, resampled to `sample_rate` (null: kept)", _check)
