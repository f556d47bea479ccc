"""The `pitchgram` transform: basic-pitch's note and onset posteriorgrams as one image per window
for the CNNs (`genrepipe.pretrained.basic_pitch`): 88 note rows (A0 to C8) over 88 onset rows,
each pooled over `time_pool` frames by their maximum (a short note survives the pooling)."""

from __future__ import annotations

import numpy as np

from ..pretrained.basic_pitch import posteriorgrams


def compute(y: np.ndarray, sr: int, time_pool: int) -> np.ndarray:
    """The (176, frames // time_pool) image of each window: note posteriors, then onsets.

    Parameters
    ----------
    y : np.ndarray, shape (..., n_samples)
    sr : int > 0
    time_pool : int >= 1
        Posteriorgram frames (86 per second) pooled into one column.

    Returns
    -------
    np.ndarray, shape (..., 176, frames // time_pool), float32
    """
    grams = posteriorgrams(y, sr, ("note", "onset"))
    image = np.concatenate([grams["note"], grams["onset"]], axis=-1)  # (..., frames, 176)
    *lead, frames, rows = image.shape
    columns = frames // time_pool
    pooled = image[..., :columns * time_pool, :].reshape(*lead, columns, time_pool, rows).max(axis=-2)
    return np.ascontiguousarray(np.swapaxes(pooled, -1, -2))
