"""Training-only batch augmentation: shifted windows, masks, mixup; seeded per batch."""

import numpy as np
import pytest

from genrepipe.dataset.featureset import FeatureSet
from genrepipe.models.batch_augment import BatchAugment, batch_rng, mask, mixup, stitched
from genrepipe.models.loader import Batching, WindowSequence

from conftest import make_feature_store, one_epoch


def test_stitched_equals_the_window_a_finer_hop_would_store():
    signal = np.arange(100, dtype=np.float32)
    width, hop = 20, 15  # stored windows overlap by 5
    windows = np.stack([signal[i * hop:i * hop + width] for i in range(5)])
    for k in range(4):
        for offset in range(hop):
            start = k * hop + offset
            assert np.array_equal(stitched(windows[k], windows[k + 1], offset, hop),
                                  signal[start:start + width])
    assert np.array_equal(stitched(windows[4], None, 7, hop), windows[4])  # the last window stays


def test_masks_zero_runs_of_frames_and_bands_only():
    x = np.ones((64, 10, 50), np.float32)
    out = mask(x, batch_rng(0, 0, 0), time=0.2, bands=0.3, time_axis=True, band_axis=True)
    assert np.array_equal(x, np.ones_like(x))  # the input is not modified
    zero_frames = (out == 0).all(axis=1)  # (n, frames): whole columns masked
    zero_bands = (out == 0).all(axis=2)   # (n, bands): whole rows masked
    assert ((out == 0) == (zero_frames[:, None, :] | zero_bands[:, :, None])).all()
    assert zero_frames.sum(axis=1).max() <= 10 and zero_bands.sum(axis=1).max() <= 3
    assert zero_frames.any() and zero_bands.any()
    for row in zero_frames:  # one contiguous run per window
        where = np.flatnonzero(row)
        assert where.size == 0 or where[-1] - where[0] + 1 == where.size


def test_mixup_blends_examples_and_labels_alike():
    x = np.stack([np.full(4, i, np.float32) for i in range(8)])
    y = np.eye(8, dtype=np.float32)
    mx, my = mixup(x, y, 0.4, batch_rng(1, 0, 0))
    assert np.allclose(my.sum(axis=1), 1) and (my.max(axis=1) >= 0.5).all()
    assert np.allclose(mx[:, 0], my @ np.arange(8))  # the same weights for inputs and labels
    assert mixup(x, y, 0.0, batch_rng(1, 0, 0))[0] is x


@pytest.fixture
def store(tmp_path):
    return FeatureSet(make_feature_store(tmp_path / "mel", (6, 8)))


def test_training_batches_repeat_whatever_the_call_order(store):
    options = dict(batch_size=4, seed=3, augment=BatchAugment(
        {"time_mask": 0.3, "band_mask": 0.3, "mixup": 0.3}, "image"), shift_hop=8, one_hot=True)
    first = WindowSequence(store, "train", store.classes, Batching(**options))
    second = WindowSequence(store, "train", store.classes, Batching(**options))
    forward = one_epoch(first) + one_epoch(first)
    backward = [second[i] for i in reversed(range(len(second)))][::-1]
    second.on_epoch_end()
    backward += one_epoch(second)
    for (xa, ya), (xb, yb) in zip(forward, backward, strict=True):
        assert np.array_equal(xa, xb) and np.array_equal(ya, yb)
    plain = one_epoch(WindowSequence(store, "train", store.classes, Batching(batch_size=4, seed=3)))
    assert not all(np.array_equal(a[0], b[0]) for a, b in zip(forward, plain))  # it did something
    assert forward[0][1].shape == (4, 3) and np.allclose(forward[0][1].sum(axis=1), 1)


def test_validation_batches_are_never_augmented(store):
    plain = WindowSequence(store, "valid", store.classes, Batching(batch_size=4, shuffle=False))
    x = np.concatenate([plain[i][0] for i in range(len(plain))])
    assert np.array_equal(x, np.concatenate([store.load(s["song_id"]) for s in store.songs("valid")]))


def test_shift_hop_needs_a_time_axis_and_no_gaps(tmp_path):
    from genrepipe.models.network import shift_hop

    store = FeatureSet(make_feature_store(tmp_path / "mel", (6, 8)))  # window = hop = 8000 samples
    assert shift_hop(store, "image") == 8 and shift_hop(store, "waveform") == 8
    assert shift_hop(store, "vector") is None
    store.index = {**store.index, "hop_samples": 4000}  # windows overlap by half
    assert shift_hop(store, "image") == 4
    store.index = {**store.index, "hop_samples": 16000}  # gaps between windows
    assert shift_hop(store, "image") is None
