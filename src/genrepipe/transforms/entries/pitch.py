"""The `pitch` entry: pitch content as one vector, from basic-pitch's note posteriorgrams."""

from __future__ import annotations

from ...core.schema import Number, fail
from ...core.section import Section
from ..entry import TransformEntry
from ._shared import block


def _check(settings: Section, window_samples: int, sr: int) -> None:
    if settings.max_lag * sr >= window_samples:
        raise fail("transforms.pitch.max_lag", settings.max_lag, "is not shorter than one window",
                   f"< window = {window_samples / sr:g} s")


ENTRY = TransformEntry(
    "pitch", "vector",
    block(max_lag=Number(min=0, min_exclusive=True, default=2.0)),
    "pitch content as one vector, from basic-pitch's note posteriorgram (pretrained): key and "
    "pitch-class profiles, polyphony, note density, range, melodic intervals, onset autocorrelation",
    _check, threads=True)
