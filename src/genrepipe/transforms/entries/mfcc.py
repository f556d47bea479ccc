"""The `mfcc` entry: MFCCs of the log-mel spectrogram."""

from __future__ import annotations

from ...core.schema import fail, integer
from ...core.section import Section
from ..entry import TransformEntry
from ._shared import TOP_DB, block, spectral


def _check(settings: Section, window_samples: int, sr: int) -> None:
    spectral("mfcc", settings, window_samples)
    if settings.n_mfcc > settings.n_mels:
        raise fail("transforms.mfcc.n_mfcc", settings.n_mfcc, "exceeds n_mels",
                   f"<= transforms.mfcc.n_mels = {settings.n_mels}")


ENTRY = TransformEntry(
    "mfcc", "image",
    block(n_mfcc=integer(min=1, max=128, default=20), n_mels=integer(min=1, default=128),
          n_fft=integer(min=16, default=2048), hop_length=integer(min=1, default=512),
          top_db=TOP_DB),
    "MFCCs of the log-mel spectrogram `(n_mfcc, frames)`", _check)
