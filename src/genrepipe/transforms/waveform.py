"""The `waveform` transform: the windows themselves, optionally resampled (for SampleCNN)."""

from __future__ import annotations

import numpy as np


def compute(y: np.ndarray, sr: int, sample_rate: int | None) -> np.ndarray:
    """The windows as they are, or resampled to `sample_rate` (soxr, high quality).

    Returns
    -------
    np.ndarray, shape (..., n_samples * sample_rate / sr)
    """
    if sample_rate is None or sample_rate == sr:
        return np.array(y, dtype=np.float32)
    import librosa

    return librosa.resample(y, orig_sr=sr, target_sr=sample_rate, res_type="soxr_hq", axis=-1)
