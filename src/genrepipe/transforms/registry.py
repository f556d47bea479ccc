"""The transform registry: every representation genrepipe computes, in one place.

An entry gives the transform's name (its key under `transforms` in params.yaml, its DVC stage
`transform@<name>` and its module `genrepipe.transforms.<name>`), the kind of features it gives
per window (which models can take them), its params spec (defaults and checks) and the checks
that need the window length. The params schema, the run pairing, the transform stage,
`genrepipe predict` and `genrepipe list` all read it.

Adding a transform: one entry here, a module `transforms/<name>.py` with
``compute(y, sr, **params)`` acting on the last axis of ``y`` (a stack of windows), and a
block under `transforms` in params.yaml.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..schema import Block, Choice, Number, Section, fail, integer

# What one window's features are, which decides the models that can take them:
KINDS = {
    "vector": "one vector per window",
    "image": "a (bands, frames) image per window",
    "waveform": "the samples of the window",
    "musicnn_input": "musicnn's log-mel input (96 bands at 16 kHz) per window",
}
MUSICNN_MODELS = ("MSD_musicnn", "MTT_musicnn")
MUSICNN_LAYERS = ("mean_pool", "max_pool", "pooled", "penultimate", "taggram")
DTYPES = ("float32", "float16")


@dataclass(frozen=True)
class TransformEntry:
    """One transform: its kind of output, its params spec and the checks that span keys."""

    name: str
    kind: str
    spec: Block
    summary: str
    # (settings, window_samples, sample_rate) -> None; raises ParameterError
    check: Callable[[Section, int, int], None] | None = None
    # computed by a network that spreads over the cores itself: songs one after another
    threads: bool = False

    @property
    def module(self) -> str:
        """Where `compute(y, sr, **params)` lives."""
        return f"genrepipe.transforms.{self.name}"


def _block(**fields) -> Block:
    return Block(fields={**fields, "dtype": Choice(choices=DTYPES, default="float32")})


def _spectral(name: str, settings: Section, window_samples: int) -> None:
    if settings.n_fft > window_samples:
        raise fail(f"transforms.{name}.n_fft", settings.n_fft, "is longer than one window",
                   f"<= window * sample_rate = {window_samples}")


def _linear(name: str, settings: Section) -> None:
    """float16 keeps about 3 significant digits and nothing below 6e-8: on a linear amplitude
    scale the quiet bands of a quiet song would vanish (dB-scaled transforms are fine)."""
    if settings.dtype == "float16":
        raise fail(f"transforms.{name}.dtype", "float16", "loses quiet values on a linear "
                   "amplitude scale", "float32")


def _check_fft(settings: Section, window_samples: int, sr: int) -> None:
    _linear("fft", settings)
    if settings.n_bins > window_samples // 2 + 1:
        raise fail("transforms.fft.n_bins", settings.n_bins, "exceeds the spectrum length",
                   f"<= {window_samples // 2 + 1} (window samples / 2 + 1)")


def _check_waveform(settings: Section, window_samples: int, sr: int) -> None:
    _linear("waveform", settings)
    if settings.sample_rate is not None and settings.sample_rate > sr:
        raise fail("transforms.waveform.sample_rate", settings.sample_rate, "is above sample_rate",
                   f"<= {sr}, or null to keep it")


def _check_mfcc(settings: Section, window_samples: int, sr: int) -> None:
    _spectral("mfcc", settings, window_samples)
    if settings.n_mfcc > settings.n_mels:
        raise fail("transforms.mfcc.n_mfcc", settings.n_mfcc, "exceeds n_mels",
                   f"<= transforms.mfcc.n_mels = {settings.n_mels}")


_TOP_DB = Number(min=0, min_exclusive=True, nullable=True, default=80.0)

TRANSFORMS: dict[str, TransformEntry] = {entry.name: entry for entry in (
    TransformEntry(
        "fft", "vector", _block(n_bins=integer(min=1, default=256)),
        "magnitude spectrum `abs(rfft(y)) / n`, averaged into `n_bins` equal-width bands",
        _check_fft),
    TransformEntry(
        "waveform", "waveform",
        _block(sample_rate=integer(min=1000, max=192000, nullable=True, default=8000)),
        "the window's samples, resampled to `sample_rate` (null: kept)", _check_waveform),
    TransformEntry(
        "stft", "image",
        _block(n_fft=integer(min=16, default=1024), hop_length=integer(min=1, default=512),
               top_db=_TOP_DB),
        "log-magnitude STFT in dB (`amplitude_to_db`, ref 1) `(1 + n_fft/2, frames)`",
        lambda s, n, sr: _spectral("stft", s, n)),
    TransformEntry(
        "mfcc", "image",
        _block(n_mfcc=integer(min=1, max=128, default=20), n_mels=integer(min=1, default=128),
               n_fft=integer(min=16, default=2048), hop_length=integer(min=1, default=512),
               top_db=_TOP_DB),
        "MFCCs of the log-mel spectrogram `(n_mfcc, frames)`", _check_mfcc),
    TransformEntry(
        "mel", "image",
        _block(n_mels=integer(min=1, default=128), n_fft=integer(min=16, default=2048),
               hop_length=integer(min=1, default=512), top_db=_TOP_DB),
        "log-power mel spectrogram in dB (`power_to_db`, ref 1) `(n_mels, frames)`",
        lambda s, n, sr: _spectral("mel", s, n)),
    TransformEntry(
        "tempogram", "image",
        _block(hop_length=integer(min=16, default=256), win_length=integer(min=2, default=192)),
        "rhythm: the local autocorrelation of the onset strength over `win_length` lags of "
        "`hop_length` samples (`librosa.feature.tempogram`) `(win_length, frames)`"),
    TransformEntry(
        "musicnn", "vector",
        _block(model=Choice(choices=MUSICNN_MODELS, default="MSD_musicnn"),
               layer=Choice(choices=MUSICNN_LAYERS, default="max_pool")),
        "a pretrained musicnn network's activations (`model`: MSD or MTT tags) at `layer`: "
        "`mean_pool`, `max_pool` (753), `pooled` (both, 1506), `penultimate` (200), `taggram` (50 tags)",
        threads=True),
    TransformEntry(
        "musicnn_mel", "musicnn_input", _block(),
        "musicnn's input, for fine-tuning it: 16 kHz mel power, 96 bands, `log10(10000 x + 1)`, "
        "`(96, frames)`"),
)}


def get_transform(name: str) -> TransformEntry:
    """The registry entry of `name`; an unknown name fails with the list of known ones."""
    try:
        return TRANSFORMS[name]
    except KeyError:
        raise ParameterError(f"transform={name!r} is not supported; expected one of: "
                             + ", ".join(TRANSFORMS)) from None


def compute(name: str, y: np.ndarray, sr: int, settings: Mapping[str, Any]) -> np.ndarray:
    """Apply transform `name` to a stack of windows `y` (shape (..., n_samples)) at `sr` Hz,
    with its params block `settings` (all keys but `dtype`: see `featurize`)."""
    entry = get_transform(name)
    kwargs = {k: v for k, v in settings.items() if k != "dtype"}
    return importlib.import_module(entry.module).compute(y, sr, **kwargs)


def featurize(name: str, windows: np.ndarray, sr: int, settings: Mapping[str, Any]) -> np.ndarray:
    """The features of a stack of windows as the transform stage stores them: `compute`, then
    the block's `dtype`, C order. The one path from windows to features, shared by the
    transform stage, `genrepipe predict` and embeddings, so they cannot drift apart."""
    features = compute(name, windows, sr, settings)
    # C order: one contiguous block per window on disk (fast to write, and to memory-map by window)
    return np.ascontiguousarray(features, dtype=settings.get("dtype", "float32"))
