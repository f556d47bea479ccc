"""The `musicnn` transform: a pretrained musicnn network's activations at a named layer, one
vector per window (see `genrepipe.pretrained.musicnn`)."""

from __future__ import annotations

import numpy as np

from ..pretrained.musicnn import log_mel, pretrained, run


def compute(y: np.ndarray, sr: int, model: str, layer: str) -> np.ndarray:
    """Each window resampled to 16 kHz, turned into musicnn's log-mel input and passed through the
    network `model` (MSD_musicnn or MTT_musicnn); the output `layer` of every window.

    Returns
    -------
    np.ndarray, shape (..., n_units), float32
    """
    *lead, n_samples = y.shape
    x = log_mel(np.asarray(y, dtype=np.float32).reshape(-1, n_samples), sr)
    out = run(pretrained(model), x, (layer,))[layer]
    return out.reshape(*lead, out.shape[-1]).astype(np.float32)
