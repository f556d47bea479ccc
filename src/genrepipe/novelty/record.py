"""`models/novelty/novelty.json`, written by the novelty stage (and copied into every model
folder, `copy_record`): the window geometry its descriptors are made at, the training songs'
range, the threshold and where it was set; `Detector` judges a song's descriptor with it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..core.errors import DataError
from ..core.store import read_json, write_json
from . import descriptor
from .detector import Range

RECORD = "novelty.json"
UNKNOWN = "unknown (unlike the training songs)"


def write_record(folder: str | Path, record: dict) -> None:
    write_json(Path(folder) / RECORD, record)


def has_record(folder: str | Path) -> bool:
    return (Path(folder) / RECORD).is_file()


def copy_record(record_file: str | Path | None, folder: str | Path) -> dict | None:
    """Copy the novelty stage's record into model folder `folder` (so that a copied folder keeps
    it) and return it; None when there is none."""
    if record_file is None:
        return None
    record = read_json(record_file, what="the novelty stage's record")
    shutil.copyfile(record_file, Path(folder) / RECORD)
    return record


@dataclass(frozen=True)
class Verdict:
    """A song's distance outside the training songs' range, as a multiple of the threshold
    (`ratio`, > 1: unknown; None for a silent file, which has none), and why it is unknown when
    it is."""

    ratio: float | None
    unknown: bool
    reason: str = ""


@dataclass(frozen=True)
class Geometry:
    """How a song's descriptor is made: windows of `window_samples` every `hop_samples` at
    `sample_rate` (the segment stage's, recorded with the detector)."""

    sample_rate: int
    window_samples: int
    hop_samples: int

    def describe(self, signal: np.ndarray) -> np.ndarray:
        """The descriptor of a decoded song (at `sample_rate`), windowed as the stage's songs."""
        from ..audio.windows import frame_signal

        windows = frame_signal(signal, self.window_samples, self.hop_samples, pad_short=True)
        return descriptor.describe(windows, self.sample_rate)


@dataclass(frozen=True)
class Detector:
    """The novelty stage's record loaded: the `geometry` a song's descriptor is made at, the
    training songs' `range`, the `threshold`."""

    folder: Path
    record: dict
    range: Range
    threshold: float

    @classmethod
    def read(cls, folder: str | Path) -> Detector:
        record = read_json(Path(folder) / RECORD, what="the novelty stage's record")
        if record.get("descriptor", {}).get("names") != descriptor.NAMES:
            raise DataError(f"{Path(folder) / RECORD}: written by another genrepipe (its descriptor "
                            "differs); re-run `dvc repro`")
        return cls(Path(folder), record, Range.from_dict(record["range"], descriptor.NAMES),
                   record["threshold"])

    @property
    def geometry(self) -> Geometry:
        return Geometry(self.record["sample_rate"], self.record["window_samples"], self.record["hop_samples"])

    def judge(self, song_descriptor: np.ndarray) -> Verdict:
        ratio = float(self.range.distance(song_descriptor)[0]) / self.threshold  # > 0 (`threshold`)
        return Verdict(round(ratio, 6), bool(ratio > 1), UNKNOWN if ratio > 1 else "")


def silent_verdict(reason: str) -> Verdict:
    """A file with no sound at all is unknown without a distance (nothing was trained on it)."""
    return Verdict(None, True, f"unknown: {reason}")
