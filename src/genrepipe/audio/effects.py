"""Audio augmentation of training songs (seed 002): random pitch shift and time stretch.

Applied in the augment stage to the training split only: each training song gets
`augment.copies` extra versions, each drawn from its own seeded generator, windowed like the
original and marked with the song it came from, so no split ever sees another's audio.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np


def augmentation_rng(seed: int, song_id: str, copy: int) -> np.random.Generator:
    """The generator of one augmented copy: it depends on the seed, the song's id and the copy
    number only, never on run order or on which other songs exist."""
    song = int.from_bytes(hashlib.sha256(song_id.encode()).digest()[:8], "little")
    return np.random.default_rng(np.random.SeedSequence([seed, song, copy]))


def augment_signal(y: np.ndarray, sr: int, settings: Mapping[str, Any],
                   rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Pitch-shift and/or time-stretch `y` (librosa.effects), each with its probability.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
    sr : int > 0
    settings : mapping
        The `augment` params: ``pitch_shift: {probability, semitones}`` (a shift drawn uniformly
        in [-semitones, semitones]) and ``time_stretch: {probability, rate}`` (a rate drawn
        uniformly in [1 - rate, 1 + rate]).
    rng : numpy.random.Generator

    Returns
    -------
    y : np.ndarray, float32
    applied : dict
        What was done: ``{"pitch_shift": n_steps, "time_stretch": rate}`` for those applied.
    """
    import librosa

    applied = {}
    pitch, stretch = settings["pitch_shift"], settings["time_stretch"]
    # draw every number whether or not it is used, so one choice never shifts the others
    do_pitch, n_steps = rng.random() < pitch["probability"], rng.uniform(-1, 1) * pitch["semitones"]
    do_stretch, rate = rng.random() < stretch["probability"], 1 + rng.uniform(-1, 1) * stretch["rate"]
    if do_pitch and n_steps != 0:
        y = librosa.effects.pitch_shift(y, sr=sr, n_steps=n_steps, res_type="soxr_hq")
        applied["pitch_shift"] = round(float(n_steps), 4)
    if do_stretch and rate != 1:
        y = librosa.effects.time_stretch(y, rate=rate)
        applied["time_stretch"] = round(float(rate), 4)
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    if peak > 1.0:
        y = y / peak
    return y.astype(np.float32), applied
