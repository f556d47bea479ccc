"""The `pitch` transform: pitch content as one vector a scikit-learn model can use (Tzanetakis &
Cook's third family of genre evidence, beside timbre and rhythm), from basic-pitch's note and
onset posteriorgrams (`genrepipe.pretrained.basic_pitch`: 88 keys, 86 frames per second).

Named parts, concatenated in this order (`parts`):

The posteriors never fall to zero (about 0.1 where nothing sounds), so a key counts as sounding in
a frame where its note posterior passes 0.3 and a note starts where its onset posterior peaks above
0.5 (basic-pitch's own `frame_threshold` and `onset_threshold` defaults).

- `pitch_histogram` (88): the share of frames each key sounds in: range and register;
- `pitch_class_profile` (12): that histogram folded to pitch classes (C first), summing to 1: the
  key and mode;
- `relative_pitch_classes` (12): the profile turned so its strongest class comes first: the
  mode's shape whatever the key;
- `polyphony` (5): the keys sounding per frame: mean, std, 10th, 50th and 90th percentiles: one
  melody against several voices;
- `voicing` (1): the share of frames where some key sounds;
- `note_density` (2): note onsets per second, and the mean of the onset curve (the strongest
  onset posterior of each frame);
- `pitch_centre` (3): the mean sounding key and its spread (from the histogram, over 87 keys) and
  the mean step of the strongest key between voiced frames, in octaves (how the line moves);
- `intervals` (12): the steps of the strongest key between voiced frames where it changes,
  1 to 12 semitones (larger steps counted as 12), summing to 1 (zeros where it never changes);
- `onset_autocorrelation` (lags 0 to `max_lag` s): the onset curve's autocorrelation, normalised
  to lag 0, as the `metre` transform's (rhythm as the notes' onsets show it).

A silent window gives finite values (zeros where a share or profile has nothing to share).
"""

from __future__ import annotations

import numpy as np

from ..pretrained.basic_pitch import FPS, LOWEST_MIDI, N_KEYS, posteriorgrams
from .spectral import lag_autocorrelation

SOUNDING = 0.3        # a note posterior above this: the key sounds (basic-pitch's frame_threshold)
ONSET = 0.5           # an onset posterior peaking above this: a note starts (its onset_threshold)
PERCENTILES = (10, 50, 90)
MAX_INTERVAL = 12     # semitones; larger steps are counted as an octave


def n_lags(max_lag: float) -> int:
    """Lags 0 to `max_lag` seconds, in posteriorgram frames."""
    return int(round(max_lag * FPS)) + 1


def parts(max_lag: float) -> dict[str, int]:
    """The named parts of the vector and their lengths, in order."""
    return {"pitch_histogram": N_KEYS, "pitch_class_profile": 12, "relative_pitch_classes": 12,
            "polyphony": 2 + len(PERCENTILES), "voicing": 1, "note_density": 2,
            "pitch_centre": 3, "intervals": MAX_INTERVAL, "onset_autocorrelation": n_lags(max_lag)}


def compute(y: np.ndarray, sr: int, max_lag: float) -> np.ndarray:
    """The pitch vector of each window.

    Parameters
    ----------
    y : np.ndarray, shape (..., n_samples)
    sr : int > 0
    max_lag : float > 0
        The longest lag of the onset autocorrelation, in seconds (shorter than the window).

    Returns
    -------
    np.ndarray, shape (..., sum(parts(max_lag).values())), float32
    """
    grams = posteriorgrams(y, sr, ("note", "onset"))
    return summary(grams["note"], grams["onset"], max_lag)


def summary(note: np.ndarray, onset: np.ndarray, max_lag: float) -> np.ndarray:
    """The vector of `parts` from note and onset posteriorgrams of shape (..., frames, 88)."""
    lead = note.shape[:-2]
    note = note.reshape(-1, *note.shape[-2:]).astype(np.float64)
    onset = onset.reshape(-1, *onset.shape[-2:]).astype(np.float64)
    sounding = note > SOUNDING
    histogram = sounding.mean(axis=1)
    profile = _share(histogram @ _FOLD)
    strongest = np.argmax(profile, axis=1)[:, None]
    relative = np.take_along_axis(profile, (strongest + np.arange(12)) % 12, axis=1)
    keys = sounding.sum(axis=2)
    polyphony = np.column_stack([keys.mean(axis=1), keys.std(axis=1),
                                 *np.percentile(keys, PERCENTILES, axis=1)])
    voiced = keys > 0
    curve = onset.max(axis=2)
    parts_ = [histogram, profile, relative, polyphony, voiced.mean(axis=1)[:, None],
              _note_density(onset, curve), *_melody(note, voiced, histogram),
              lag_autocorrelation(curve, n_lags(max_lag))]
    vector = np.concatenate(parts_, axis=1).astype(np.float32)
    return vector.reshape(*lead, vector.shape[-1])


_FOLD = np.eye(12)[(LOWEST_MIDI + np.arange(N_KEYS)) % 12]  # key -> its pitch class (C = 0)


def _share(x: np.ndarray) -> np.ndarray:
    """Each row divided by its sum (zeros where it sums to nothing)."""
    total = x.sum(axis=1, keepdims=True)
    return np.divide(x, total, out=np.zeros_like(x), where=total > 1e-9)


def _note_density(onset: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """Onsets per second (a key's onset posterior at a local peak above ONSET) and the mean of
    the onset curve."""
    padded = np.pad(onset, ((0, 0), (1, 1), (0, 0)))
    peaks = (onset > ONSET) & (onset >= padded[:, :-2]) & (onset > padded[:, 2:])
    seconds = onset.shape[1] / FPS
    return np.column_stack([peaks.sum(axis=(1, 2)) / seconds, curve.mean(axis=1)])


def _melody(note: np.ndarray, voiced: np.ndarray, histogram: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """`pitch_centre` (centroid and spread of the key histogram over 87 keys, the mean step of
    the strongest key between voiced frames in octaves) and the `intervals` histogram."""
    keys = np.arange(N_KEYS)
    weight = histogram / np.maximum(histogram.sum(axis=1, keepdims=True), 1e-12)
    centroid = weight @ keys
    spread = np.sqrt(np.maximum(weight @ keys ** 2 - centroid ** 2, 0.0))
    top = np.argmax(note, axis=2)
    both = voiced[:, 1:] & voiced[:, :-1]
    steps = np.abs(np.diff(top, axis=1))
    pairs = both.sum(axis=1)
    motion = np.divide((steps * both).sum(axis=1), 12 * pairs, out=np.zeros(len(note)),
                       where=pairs > 0)
    changed = both & (steps > 0)
    rows = np.broadcast_to(np.arange(len(note))[:, None], steps.shape)[changed]
    bins = np.minimum(steps[changed], MAX_INTERVAL) - 1
    counts = np.zeros((len(note), MAX_INTERVAL))
    np.add.at(counts, (rows, bins), 1)
    centre = np.column_stack([centroid / (N_KEYS - 1), spread / (N_KEYS - 1), motion])
    return centre, _share(counts)
