"""The `metre` entry: rhythm as one vector (onset autocorrelation, tempogram ratios, beat)."""

from __future__ import annotations

from ...core.schema import Number, fail, integer
from ...core.section import Section
from ..entry import TransformEntry
from ._shared import block


def _check(settings: Section, window_samples: int, sr: int) -> None:
    if settings.max_lag * sr >= window_samples:
        raise fail("transforms.metre.max_lag", settings.max_lag, "is not shorter than one window",
                   f"< window = {window_samples / sr:g} s")


ENTRY = TransformEntry(
    "metre", "vector",
    block(hop_length=integer(min=16, default=256),
          max_lag=Number(min=0, min_exclusive=True, default=2.0)),
    "rhythm as one vector: the onset strength's autocorrelation up to `max_lag` s, librosa's "
    "tempogram ratios, the autocorrelation at ratios of the strongest beat period, its tempo",
    _check)
