"""How a song sounds, as one vector: the mean and the spread over its frames of its timbre
(20 MFCCs), noisiness (spectral flatness), brightness (spectral centroid), loudness (RMS) and
rhythm (onset strength).

One fixed space for every run of a project: a song unlike the training songs is unlike them
whatever a run classifies on. The runs' own spaces were measured and do not tell (docs/
evaluation.md#unknown): a pure tone lies among the songs in a tempogram's or pitch vector's
space, white noise among synthetic metal in an MFCC run's.
"""

from __future__ import annotations

import numpy as np

N_FFT = 2048
HOP = 512
N_MELS = 40
N_MFCC = 20
FLOOR = 1e-10  # power floor before a logarithm: silence stays finite
# What each value of a descriptor is: the mean over frames of each frame value, then its spread.
FRAME_VALUES = ([f"mfcc{i}" for i in range(N_MFCC)]
                + ["log_flatness", "log_centroid_hz", "rms_db", "onset_strength"])
NAMES = [f"mean_{v}" for v in FRAME_VALUES] + [f"std_{v}" for v in FRAME_VALUES]


def frame_values(windows: np.ndarray, sample_rate: int) -> np.ndarray:
    """Each window's frame values, shape (n_windows, len(FRAME_VALUES), frames).

    Parameters
    ----------
    windows : np.ndarray, shape (n_windows, samples)
        A song's windows (the segment stage's, or `frame_signal`'s), at `sample_rate`.
    """
    import librosa

    y = np.asarray(windows, dtype=np.float32)
    power = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)) ** 2
    mel_db = librosa.power_to_db(librosa.feature.melspectrogram(
        S=power, sr=sample_rate, n_mels=N_MELS, fmax=sample_rate / 2) + FLOOR)
    magnitude = np.sqrt(power)
    values = [
        librosa.feature.mfcc(S=mel_db, n_mfcc=N_MFCC),
        np.log(librosa.feature.spectral_flatness(S=magnitude) + FLOOR),
        np.log(librosa.feature.spectral_centroid(S=magnitude, sr=sample_rate) + 1.0),
        librosa.power_to_db(librosa.feature.rms(S=magnitude) ** 2 + FLOOR),
        librosa.onset.onset_strength(S=mel_db, sr=sample_rate)[..., None, :],
    ]
    return np.concatenate(values, axis=-2)


def describe(windows: np.ndarray, sample_rate: int) -> np.ndarray:
    """A song's descriptor: the mean, then the standard deviation, over every frame of every
    window of each frame value; shape (len(NAMES),), float64.

    Computed on one BLAS thread: a threaded matrix product sums in another order, and the same
    song would get other last digits in the stage's worker processes than in `predict`'s."""
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    with threadpool_limits(1):
        values = frame_values(windows, sample_rate)
    frames = np.moveaxis(values, -2, 0).reshape(len(FRAME_VALUES), -1)
    return np.concatenate([frames.mean(axis=1), frames.std(axis=1)]).astype(np.float64)
