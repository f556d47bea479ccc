"""The `musicnn_mel` transform: musicnn's own input, for fine-tuning the pretrained network (model
`musicnn`): 16 kHz log-mel, 96 bands, `log10(10000 x + 1)`."""

from __future__ import annotations

import numpy as np

from ..pretrained.musicnn import log_mel


def compute(y: np.ndarray, sr: int) -> np.ndarray:
    """musicnn's log-mel input of each window, as a (bands, frames) image.

    Returns
    -------
    np.ndarray, shape (..., 96, n_frames), float32
    """
    return np.ascontiguousarray(np.swapaxes(log_mel(np.asarray(y, dtype=np.float32), sr), -1, -2))
