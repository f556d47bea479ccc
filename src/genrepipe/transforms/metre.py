"""The `metre` transform: rhythm as one vector a scikit-learn model can use (Tzanetakis & Cook's
"rhythmic content"), where `tempogram` gives a (lags, frames) image.

From the onset strength of a window (spectral flux of a mel spectrogram, librosa's
`onset_strength`), four named parts, concatenated in this order:

- `autocorrelation` (lags 0 to `max_lag` s): how strongly onsets repeat at each lag (the mean
  product over the frames the lag spans), normalised to lag 0: a march's beat and bar, a jig's groups of three, a slow air's absence of both;
- `tempogram_ratio` (13): librosa's tempo-invariant metre features, the tempogram at fixed
  ratios (1/4 to 4) of the frame's own tempo, averaged over the window;
- `beat_ratios` (len(RATIOS)): the autocorrelation at ratios of the strongest beat period
  (the highest peak between 40 and 240 BPM), 0 where a ratio falls outside the lags: duple
  metres light 1/2 and 2, triple metres 1/3 and 3, whatever the tempo;
- `tempo` (1): that beat's rate in BPM / 240.

A silent window gives zeros, never NaN.
"""

from __future__ import annotations

import numpy as np

from .spectral import lag_autocorrelation

RATIOS = (1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4, 4 / 3, 3 / 2, 2, 3, 4)
BEAT_BPM = (40.0, 240.0)  # where the strongest beat period is looked for
N_TEMPOGRAM_RATIOS = 13  # librosa's default factors, 1/4 to 4


def n_lags(sr: int, hop_length: int, max_lag: float) -> int:
    """Lags 0 to `max_lag` seconds, in onset frames."""
    return int(round(max_lag * sr / hop_length)) + 1


def parts(sr: int, hop_length: int, max_lag: float) -> dict[str, int]:
    """The named parts of the vector and their lengths, in order."""
    return {"autocorrelation": n_lags(sr, hop_length, max_lag),
            "tempogram_ratio": N_TEMPOGRAM_RATIOS, "beat_ratios": len(RATIOS), "tempo": 1}


def compute(y: np.ndarray, sr: int, hop_length: int, max_lag: float) -> np.ndarray:
    """The metre vector of each window.

    Parameters
    ----------
    y : np.ndarray, shape (..., n_samples)
    sr : int > 0
    hop_length : int > 0
        Samples between onset-strength frames.
    max_lag : float > 0
        The longest lag of the autocorrelation, in seconds (shorter than the window).

    Returns
    -------
    np.ndarray, shape (..., sum(parts(sr, hop_length, max_lag).values()))
    """
    import librosa

    onsets = librosa.onset.onset_strength(y=np.asarray(y, dtype=np.float32), sr=sr,
                                          hop_length=hop_length)
    lags = n_lags(sr, hop_length, max_lag)
    autocorrelation = lag_autocorrelation(onsets, lags)
    tempogram = librosa.feature.tempogram(onset_envelope=onsets, sr=sr, hop_length=hop_length,
                                          win_length=lags)
    ratios = _tempogram_ratios(tempogram, sr, hop_length)
    beat_ratios, tempo = _beat(autocorrelation, sr / hop_length)
    return np.concatenate([autocorrelation, ratios, beat_ratios, tempo], axis=-1).astype(np.float32)


def _tempogram_ratios(tempogram: np.ndarray, sr: int, hop_length: int) -> np.ndarray:
    """librosa's `tempogram_ratio` of each window, averaged over its frames (one window at a
    time: librosa 0.11 estimates one tempo for a whole batch and then refuses its shape)."""
    import librosa

    flat = tempogram.reshape(-1, *tempogram.shape[-2:])
    ratios = [librosa.feature.tempogram_ratio(tg=t, sr=sr, hop_length=hop_length).mean(axis=-1)
              for t in flat]
    return np.asarray(ratios, dtype=np.float32).reshape(*tempogram.shape[:-2], N_TEMPOGRAM_RATIOS)


def _beat(autocorrelation: np.ndarray, frame_rate: float) -> tuple[np.ndarray, np.ndarray]:
    """The autocorrelation at RATIOS of the strongest beat period, and that beat in BPM / 240."""
    lags = autocorrelation.shape[-1]
    shortest = max(1, int(np.ceil(frame_rate * 60 / BEAT_BPM[1])))
    longest = min(lags - 1, int(np.floor(frame_rate * 60 / BEAT_BPM[0])))
    if longest < shortest:  # lags too short to hold a beat: no beat features
        shape = autocorrelation.shape[:-1]
        return np.zeros((*shape, len(RATIOS))), np.zeros((*shape, 1))
    period = shortest + np.argmax(autocorrelation[..., shortest:longest + 1], axis=-1)
    lag = np.round(period[..., None] * np.asarray(RATIOS)).astype(int)  # (..., len(RATIOS))
    inside = lag < lags  # a ratio's lag beyond the longest gives 0
    at = np.take_along_axis(autocorrelation, np.minimum(lag, lags - 1), axis=-1) * inside
    flat = autocorrelation[..., 0] == 0  # silence: no beat at all
    tempo = np.where(flat, 0.0, frame_rate * 60 / period / 240.0)[..., None]
    return at, tempo
