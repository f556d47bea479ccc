"""The `fft` entry: the magnitude spectrum in equal-width bands."""

from __future__ import annotations

from ...core.schema import fail, integer
from ...core.section import Section
from ..entry import TransformEntry
from ._shared import block, linear


def _check(settings: Section, window_samples: int, sr: int) -> None:
    linear("fft", settings)
    if settings.n_bins > window_samples // 2 + 1:
        raise fail("transforms.fft.n_bins", settings.n_bins, "exceeds the spectrum length",
                   f"<= {window_samples // 2 + 1} (window samples / 2 + 1)")


ENTRY = TransformEntry(
    "fft", "vector", block(n_bins=integer(min=1, default=256)),
    "magnitude spectrum `abs(rfft(y)) / n`, averaged into `n_bins` equal-width bands", _check)
