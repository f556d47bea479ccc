"""The `tempogram` transform: rhythm and metre, which frame-level timbre features miss.

Onset strength (spectral flux of a mel spectrogram, librosa's `onset_strength`), then its local
autocorrelation over `win_length` lags (`librosa.feature.tempogram`): row k is how strongly the
onsets repeat k hops apart, so a jig's 6/8 and a reel's 4/4, or a march and an air, leave
different rows lit. As an image it feeds the CNNs; scikit-learn models see each lag's mean and
standard deviation over the window.
"""

from __future__ import annotations

import numpy as np


def compute(y: np.ndarray, sr: int, hop_length: int, win_length: int) -> np.ndarray:
    """The tempogram of each window, each frame normalised to its maximum (librosa's default).

    Returns
    -------
    np.ndarray, shape (..., win_length, n_frames)
    """
    import librosa

    onsets = librosa.onset.onset_strength(y=np.asarray(y, dtype=np.float32), sr=sr,
                                          hop_length=hop_length)
    return librosa.feature.tempogram(onset_envelope=onsets, sr=sr, hop_length=hop_length,
                                     win_length=win_length).astype(np.float32)
