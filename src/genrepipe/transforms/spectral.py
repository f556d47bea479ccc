"""What the spectral transforms share: a one-pass STFT, dB scaling, a cached mel filter bank,
per-window dB floors, cache-sized blocks of windows, and the rhythm transforms' (`metre`,
`pitch`) lag autocorrelation of an onset curve.

Each function transforms the last axis of ``(..., n_samples)``, so all windows of a song go
through in one call. Anything that depends on the whole batch (librosa's default ``top_db``
clips relative to the maximum of the whole array) is applied per window instead, so a batch
gives exactly what a loop over its windows gives.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np


def clip_per_window(x: np.ndarray, top_db: float | None) -> np.ndarray:
    """Floor each window's dB image at its own maximum minus `top_db` (None: no floor), in place."""
    if top_db is None:
        return x
    return np.maximum(x, x.max(axis=(-2, -1), keepdims=True) - top_db, out=x)


@lru_cache(maxsize=16)
def _hann(n_fft: int) -> np.ndarray:
    import librosa

    return librosa.filters.get_window("hann", n_fft, fftbins=True).astype(np.float32)


def stft(y: np.ndarray, n_fft: int, hop_length: int) -> np.ndarray:
    """``librosa.stft(y, n_fft=n_fft, hop_length=hop_length)``, computed in one pass.

    The same definition (frames centred by zero padding of n_fft // 2 on both sides, periodic
    Hann window, one-sided FFT) as librosa's defaults, tested equal to it; it transforms all
    frames of all windows in one `scipy.fft.rfft` call on a strided view instead of librosa's
    blocks, which is about 1.5 to 2 times faster on a stack of windows.

    Returns
    -------
    np.ndarray, shape (..., 1 + n_fft // 2, n_frames), complex64 for float32 input
    """
    from scipy.fft import rfft

    pad = n_fft // 2
    padded = np.pad(y, [(0, 0)] * (y.ndim - 1) + [(pad, pad)], mode="constant")
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft, axis=-1)[..., ::hop_length, :]
    return np.swapaxes(rfft(frames * _hann(n_fft), axis=-1, overwrite_x=True), -1, -2)


# A block of windows is transformed from start to end (frames, spectrum, filter bank, dB) before
# the next block starts, so its arrays stay in the core's cache: a song's whole stack at once
# streams ~30 MB through memory per step and two workers then share the memory bus (measured:
# 1.63x with two processes instead of 1.97x, and a slower single process).
_BLOCK_BYTES = 2 << 20


def in_blocks(kernel: Callable[[np.ndarray], np.ndarray], y: np.ndarray, n_fft: int,
              hop_length: int) -> np.ndarray:
    """`kernel` (a function of a (n_windows, n_samples) stack that treats each window alone)
    applied to blocks of windows of about `_BLOCK_BYTES` of STFT frames, results stacked."""
    *lead, n_samples = y.shape
    flat = y.reshape(-1, n_samples)
    frame_bytes = (1 + n_samples // hop_length) * n_fft * flat.itemsize
    step = max(1, _BLOCK_BYTES // frame_bytes)
    if len(flat) <= step:
        out = kernel(flat)
    else:
        first = kernel(flat[:step])
        out = np.empty((len(flat), *first.shape[1:]), dtype=first.dtype)
        out[:step] = first
        for start in range(step, len(flat), step):
            out[start:start + step] = kernel(flat[start:start + step])
    return out.reshape(*lead, *out.shape[1:])


def power(spectrum: np.ndarray) -> np.ndarray:
    """|X|^2 of a complex spectrum, without a square root."""
    squared = np.square(spectrum.real)
    squared += np.square(spectrum.imag)
    return squared


def power_to_db(power: np.ndarray, amin: float = 1e-10) -> np.ndarray:
    """``librosa.power_to_db(power, ref=1.0, amin=amin, top_db=None)``, in place (`power` is
    overwritten): 10 log10(max(power, amin)), without librosa's temporaries."""
    np.maximum(power, amin, out=power)
    np.log10(power, out=power)
    power *= 10.0
    return power


@lru_cache(maxsize=16)
def _mel_basis(sr: int, n_fft: int, n_mels: int):
    """librosa's (Slaney) mel filter bank as a sparse matrix, built once per process.

    Each triangular filter spans a few FFT bins, so a sparse product does ~1 % of the
    multiplications of the dense one librosa uses.
    """
    import librosa
    from scipy.sparse import csr_matrix

    return csr_matrix(librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, dtype=np.float32))


def _apply_filterbank(basis, power: np.ndarray) -> np.ndarray:
    """``basis @ power`` over the frequency axis of a (..., n_freq, n_frames) array."""
    *lead, n_freq, n_frames = power.shape
    images = power.reshape(-1, n_freq, n_frames)
    out = np.empty((len(images), basis.shape[0], n_frames), dtype=power.dtype)
    for i, image in enumerate(images):  # sparse @ dense, one window at a time: no transposes
        out[i] = basis @ image
    return out.reshape(*lead, basis.shape[0], n_frames)


def log_mel(block: np.ndarray, sr: int, n_mels: int, n_fft: int, hop_length: int,
            top_db: float | None) -> np.ndarray:
    """The log-power mel spectrogram in dB (ref 1, per-window floor) of a (n_windows, n_samples)
    block: ``librosa.power_to_db(librosa.feature.melspectrogram(...))``."""
    mel = _apply_filterbank(_mel_basis(sr, n_fft, n_mels), power(stft(block, n_fft, hop_length)))
    return clip_per_window(power_to_db(mel), top_db)


def lag_autocorrelation(onsets: np.ndarray, lags: int) -> np.ndarray:
    """The autocorrelation of the mean-removed onset strength at lags 0 .. lags - 1, each lag's
    sum divided by the frames it spans (a long lag overlaps little of a short window: unscaled,
    a bar of three would look weaker than one of two), then by lag 0 (zeros where flat)."""
    import librosa

    centred = onsets - onsets.mean(axis=-1, keepdims=True)
    frames = centred.shape[-1]
    correlation = librosa.autocorrelate(centred, max_size=lags, axis=-1) / (frames - np.arange(lags))
    energy = correlation[..., :1]
    return np.divide(correlation, energy, out=np.zeros_like(correlation), where=energy > 1e-12)
