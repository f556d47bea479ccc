"""The `randomcnn` entry: an untrained CNN with seeded random weights as features."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core.schema import Block, Choice, ListOf, integer, positive
from ..entry import ModelEntry
from ._shared import GAMMA

# seed 000's randomly weighted front ends (`models.random_architectures`), by the input they take
RANDOM_WAVEFORM = ("sample_level", "frame_level", "frame_level_many")
RANDOM_SPECTROGRAM = ("single_7x86", "single_7x96", "temporal")


def _random_input(settings: Mapping[str, Any], kind: str) -> str | None:
    architecture = settings["architecture"]
    if architecture in RANDOM_WAVEFORM and kind != "waveform":
        return f"architecture {architecture} needs a waveform"
    if architecture in RANDOM_SPECTROGRAM and kind != "image":
        return f"architecture {architecture} needs a spectrogram (an image transform)"
    return None


ENTRY = ModelEntry("randomcnn", "sklearn", ("image", "waveform"), Block(fields={
    "architecture": Choice(choices=("blocks", *RANDOM_WAVEFORM, *RANDOM_SPECTROGRAM),
                           default="blocks"),
    "filters": ListOf(item=integer(min=1, max=1024), min_len=1, default=[32, 32, 32]),
    "kernel_size": integer(min=1, max=64, default=3),
    "pool_size": integer(min=1, max=8, default=2),
    "n_filters": integer(min=1, max=8192, default=64),
    "layers": ListOf(item=integer(min=0, max=16), min_len=1, nullable=True, default=None),
    "classifier": Choice(choices=("svm", "elm"), default="svm"),
    "C": positive(default=10.0),
    "gamma": GAMMA,
    "n_hidden": integer(min=1, max=100000, default=1000),
    "alpha": positive(default=1.0),
}), "an untrained CNN with seeded random weights (`architecture`: genrepipe's `blocks`, or "
    "seed 000's front ends) as features of each window, then a calibrated SVM or ELM "
    "(`classifier`, seed 000)", calibrated=True, whole_windows=True, check=_random_input)
