"""Spec parts and checks several transform entries share."""

from __future__ import annotations

from ...core.schema import Block, Choice, Number, fail
from ...core.section import Section
from ..entry import DTYPES

TOP_DB = Number(min=0, min_exclusive=True, nullable=True, default=80.0)


def block(**fields) -> Block:
    """A transform's params block: its fields, then `dtype`."""
    return Block(fields={**fields, "dtype": Choice(choices=DTYPES, default="float32")})


def spectral(name: str, settings: Section, window_samples: int) -> None:
    """An FFT frame must fit in one window."""
    if settings.n_fft > window_samples:
        raise fail(f"transforms.{name}.n_fft", settings.n_fft, "is longer than one window",
                   f"<= window * sample_rate = {window_samples}")


def linear(name: str, settings: Section) -> None:
    """float16 keeps about 3 significant digits and nothing below 6e-8: on a linear amplitude
    scale the quiet bands of a quiet song would vanish (dB-scaled transforms are fine)."""
    if settings.dtype == "float16":
        raise fail(f"transforms.{name}.dtype", "float16", "loses quiet values on a linear "
                   "amplitude scale", "float32")
