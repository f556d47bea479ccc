"""The `stft` transform: the log-magnitude STFT of each window, in dB."""

from __future__ import annotations

import numpy as np

from .spectral import clip_per_window, in_blocks, power, power_to_db, stft


def compute(y: np.ndarray, sr: int, n_fft: int, hop_length: int, top_db: float | None) -> np.ndarray:
    """Log-magnitude STFT in dB (``librosa.amplitude_to_db`` with ref=1).

    Returns
    -------
    np.ndarray, shape (..., 1 + n_fft // 2, n_frames)
    """
    def kernel(block: np.ndarray) -> np.ndarray:
        # amplitude_to_db squares the magnitude and calls power_to_db(amin=1e-10): start from |X|^2
        return clip_per_window(power_to_db(power(stft(block, n_fft, hop_length))), top_db)

    return in_blocks(kernel, y, n_fft, hop_length)
