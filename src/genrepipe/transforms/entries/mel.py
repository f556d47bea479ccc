"""The `mel` entry: the log-power mel spectrogram."""

from __future__ import annotations

from ...core.schema import integer
from ..entry import TransformEntry
from ._shared import TOP_DB, block, spectral

ENTRY = TransformEntry(
    "mel", "image",
    block(n_mels=integer(min=1, default=128), n_fft=integer(min=16, default=2048),
          hop_length=integer(min=1, default=512), top_db=TOP_DB),
    "log-power mel spectrogram in dB (`power_to_db`, ref 1) `(n_mels, frames)`",
    lambda s, n, sr: spectral("mel", s, n))
