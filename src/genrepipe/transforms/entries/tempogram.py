"""The `tempogram` entry: rhythm as the local autocorrelation of the onset strength."""

from __future__ import annotations

from ...core.schema import integer
from ..entry import TransformEntry
from ._shared import block

ENTRY = TransformEntry(
    "tempogram", "image",
    block(hop_length=integer(min=16, default=256), win_length=integer(min=2, default=192)),
    "rhythm: the local autocorrelation of the onset strength over `win_length` lags of "
    "`hop_length` samples (`librosa.feature.tempogram`) `(win_length, frames)`")
