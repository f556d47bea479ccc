"""The `pitchgram` entry: basic-pitch's note and onset posteriorgrams as an image."""

from __future__ import annotations

from ...core.schema import fail, integer
from ...core.section import Section
from ...pretrained.names import BASIC_PITCH_FPS
from ..entry import TransformEntry
from ._shared import block


def _check(settings: Section, window_samples: int, sr: int) -> None:
    frames = int(window_samples / sr * BASIC_PITCH_FPS)
    if settings.time_pool > frames:
        raise fail("transforms.pitchgram.time_pool", settings.time_pool,
                   "pools more frames than one window has", f"<= {frames} (86 per second)")


ENTRY = TransformEntry(
    "pitchgram", "image",
    block(time_pool=integer(min=1, default=2)),
    "basic-pitch's note and onset posteriorgrams (pretrained) `(176, frames)`: 88 keys' note "
    "posteriors over their onset posteriors, max-pooled over `time_pool` frames of 1/86 s",
    _check, threads=True)
