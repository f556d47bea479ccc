"""Rolling windows of a signal: how many fit, and the windows themselves."""

from __future__ import annotations

import numpy as np

from ..core.errors import parameter_error


def n_windows(n_samples: int, window_samples: int, hop_samples: int) -> int:
    """How many whole windows fit: ``1 + floor((n_samples - window) / hop)``, 0 if none fits.

    Parameters
    ----------
    n_samples : int >= 0
    window_samples : int > 0
    hop_samples : int > 0

    Examples
    --------
    >>> n_windows(30 * 22050, 3 * 22050, 3 * 22050)
    10
    >>> n_windows(30, 10, 5)
    5
    """
    for key, samples in (("window", window_samples), ("hop", hop_samples)):
        if samples <= 0:
            raise parameter_error(key, samples, "samples is shorter than one sample",
                                  "a duration >= 1 / sample_rate")
    if n_samples < window_samples:
        return 0
    return 1 + (n_samples - window_samples) // hop_samples


def frame_signal(y: np.ndarray, window_samples: int, hop_samples: int,
                 pad_short: bool = True) -> np.ndarray:
    """Rolling windows of a mono signal, as a new contiguous float32 array.

    Parameters
    ----------
    y : np.ndarray, shape (n_samples,)
    window_samples : int > 0
    hop_samples : int > 0
    pad_short : bool
        A signal shorter than one window becomes one zero-padded window (True) or none (False).

    Returns
    -------
    windows : np.ndarray, shape (n_windows, window_samples), float32
        Window ``i`` is ``y[i * hop : i * hop + window]``; samples after the last whole window
        are dropped.
    """
    count = n_windows(y.size, window_samples, hop_samples)
    if count == 0:
        if not pad_short or y.size == 0:
            return np.zeros((0, window_samples), dtype=np.float32)
        padded = np.zeros((1, window_samples), dtype=np.float32)
        padded[0, :y.size] = y
        return padded
    view = np.lib.stride_tricks.sliding_window_view(y, window_samples)[::hop_samples][:count]
    return np.ascontiguousarray(view, dtype=np.float32)
