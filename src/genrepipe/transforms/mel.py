"""The `mel` transform: the log-power mel spectrogram of each window, in dB."""

from __future__ import annotations

import numpy as np

from .spectral import in_blocks, log_mel


def compute(y: np.ndarray, sr: int, n_mels: int, n_fft: int, hop_length: int,
            top_db: float | None) -> np.ndarray:
    """Log-power mel spectrogram in dB: ``librosa.power_to_db(librosa.feature.melspectrogram(...))``
    with ref=1, from our STFT and a cached filter bank.

    Returns
    -------
    np.ndarray, shape (..., n_mels, n_frames)
    """
    return in_blocks(lambda block: log_mel(block, sr, n_mels, n_fft, hop_length, top_db),
                     y, n_fft, hop_length)
