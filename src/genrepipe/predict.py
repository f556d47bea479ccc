"""Whole-song prediction with a trained run: decode, window, transform, classify, average.

Everything comes from the run's model folder (sample rate, window, hop, transform and its
params, normalisation, classes), never from the current params.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio.decode import BadAudio, canonical, load_audio
from .audio.windows import frame_signal
from .core.errors import DataError
from .models.trained import TrainedRun
from .stats.groups import group_means
from .transforms.registry import featurize


@dataclass
class SongPrediction:
    """One song's window probabilities, their mean, and where each window starts (seconds)."""

    path: str
    classes: list[str]
    window_probs: np.ndarray
    starts: np.ndarray
    hop: float
    duration: float
    padded: bool

    @property
    def probs(self) -> np.ndarray:
        """The song's score: the mean of its windows' probabilities (`stats.groups`)."""
        return group_means(self.window_probs, [self.path] * len(self.window_probs))[1][0]

    def ranking(self, top: int | None = None) -> list[tuple[str, float]]:
        """(class, probability) pairs, most likely first."""
        order = np.argsort(-self.probs, kind="stable")[:top]
        return [(self.classes[i], float(self.probs[i])) for i in order]

    def top_classes(self, k: int) -> SongPrediction:
        """The same prediction restricted to its `k` most likely classes (tags), best first."""
        keep = np.argsort(-self.probs, kind="stable")[:k]
        return SongPrediction(self.path, [self.classes[i] for i in keep], self.window_probs[:, keep],
                              self.starts, self.hop, self.duration, self.padded)

    def to_dict(self, top: int | None = None) -> dict:
        return {"path": self.path, "duration_s": round(self.duration, 3), "padded": self.padded,
                "n_windows": int(len(self.window_probs)),
                "ranking": [{"genre": c, "probability": round(p, 6)} for c, p in self.ranking(top)]}


def check_file(path: str | Path) -> None:
    """A missing path says so (the decoder, which catches everything, would call it undecodable)."""
    if not Path(path).exists():
        raise DataError(f"{path}: not found")
    if not Path(path).is_file():
        raise DataError(f"{path}: not a file; expected an audio file")


def predict_song(trained: TrainedRun, path: str | Path) -> SongPrediction:
    """Classify one audio file of any format and length with `trained`.

    A song shorter than one window is zero-padded to one window (`padded` is then True).

    Raises
    ------
    DataError
        When the file cannot be decoded or holds no usable audio, with the path and reason.
    """
    meta = trained.meta
    sr = meta["sample_rate"]
    check_file(path)
    try:
        y = canonical(load_audio(path, sr), sr)  # decoded as the download stage decodes
    except BadAudio as exc:
        raise DataError(f"{path}: {exc}") from None
    windows = frame_signal(y, meta["window_samples"], meta["hop_samples"], pad_short=True)
    features = featurize(trained.transform, windows, sr, meta["transform_params"])
    if not np.isfinite(features).all():
        raise DataError(f"{path}: the {trained.transform} features are not finite")
    starts = np.arange(len(windows)) * meta["hop_samples"] / sr
    return SongPrediction(str(path), trained.classes, trained.predict_windows(features), starts,
                          meta["hop_samples"] / sr, y.size / sr,
                          padded=y.size < meta["window_samples"])
