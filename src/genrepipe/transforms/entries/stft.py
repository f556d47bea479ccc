"""The `stft` entry: the log-magnitude STFT."""

from __future__ import annotations

from ...core.schema import integer
from ..entry import TransformEntry
from ._shared import TOP_DB, block, spectral

ENTRY = TransformEntry(
    "stft", "image",
    block(n_fft=integer(min=16, default=1024), hop_length=integer(min=1, default=512),
          top_db=TOP_DB),
    "log-magnitude STFT in dB (`amplitude_to_db`, ref 1) `(1 + n_fft/2, frames)`",
    lambda s, n, sr: spectral("stft", s, n))
