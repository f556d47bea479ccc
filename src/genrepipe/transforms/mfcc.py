"""The `mfcc` transform: MFCCs of each window's log-mel spectrogram."""

from __future__ import annotations

import numpy as np

from .spectral import in_blocks, log_mel


def compute(y: np.ndarray, sr: int, n_mfcc: int, n_mels: int, n_fft: int, hop_length: int,
            top_db: float | None) -> np.ndarray:
    """MFCCs: the DCT of the log-mel spectrogram (as ``librosa.feature.mfcc``).

    Returns
    -------
    np.ndarray, shape (..., n_mfcc, n_frames)
    """
    import librosa

    def kernel(block: np.ndarray) -> np.ndarray:
        return librosa.feature.mfcc(S=log_mel(block, sr, n_mels, n_fft, hop_length, top_db),
                                    n_mfcc=n_mfcc)

    return in_blocks(kernel, y, n_fft, hop_length)
