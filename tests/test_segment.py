"""Window arithmetic: counts, boundaries and padding, checked as properties."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genrepipe.audio.windows import frame_signal, n_windows
from genrepipe.core.errors import ParameterError

sizes = st.integers(min_value=0, max_value=5000)
positive = st.integers(min_value=1, max_value=700)


@given(n=sizes, window=positive, hop=positive)
def test_count_matches_formula_and_covers_the_signal(n, window, hop):
    count = n_windows(n, window, hop)
    if n < window:
        assert count == 0
    else:
        assert count == 1 + (n - window) // hop
        last_end = (count - 1) * hop + window
        assert last_end <= n < last_end + hop  # the last window fits; one more would not


@settings(max_examples=60)
@given(n=sizes, window=positive, hop=positive, pad=st.booleans())
def test_windows_are_the_signal_slices(n, window, hop, pad):
    y = np.arange(n, dtype=np.float32)
    windows = frame_signal(y, window, hop, pad_short=pad)
    assert windows.dtype == np.float32 and windows.flags.c_contiguous
    assert windows.shape[1] == window
    if n >= window:
        assert windows.shape[0] == n_windows(n, window, hop)
        for i in (0, windows.shape[0] - 1):
            np.testing.assert_array_equal(windows[i], y[i * hop:i * hop + window])
    elif pad and n > 0:
        assert windows.shape[0] == 1
        np.testing.assert_array_equal(windows[0, :n], y)
        assert not windows[0, n:].any()
    else:
        assert windows.shape[0] == 0


def test_gtzan_shape():
    y = np.zeros(30 * 22050, dtype=np.float32)
    assert frame_signal(y, 3 * 22050, 3 * 22050).shape == (10, 66150)
    assert frame_signal(y, 3 * 22050, int(1.5 * 22050)).shape == (19, 66150)
    assert frame_signal(y, 5 * 22050, 5 * 22050).shape == (6, 110250)


def test_windows_do_not_share_memory_with_the_signal():
    y = np.ones(100, dtype=np.float32)
    windows = frame_signal(y, 10, 5)
    windows[0, 0] = 7
    assert y[0] == 1


@pytest.mark.parametrize("window, hop, key", [(0, 1, "window=0"), (1, 0, "hop=0"), (-3, 2, "window=-3")])
def test_bad_geometry(window, hop, key):
    with pytest.raises(ParameterError, match=f"^params.yaml: {key} samples is shorter than one "
                                             "sample; expected a duration >= 1 / sample_rate$"):
        n_windows(100, window, hop)
