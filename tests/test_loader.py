"""The PyDataset over per-song feature files, and the streamed normalisation statistics."""

import numpy as np
import pytest

from genrepipe.dataset.featureset import FeatureSet
from genrepipe.models.loader import Batching, WindowSequence
from genrepipe.models.normalize import BandStats, band_stats

from conftest import make_feature_store, one_epoch


@pytest.fixture
def store(tmp_path):
    return FeatureSet(make_feature_store(tmp_path / "mel", (6, 4)))


def test_every_window_once_per_epoch_with_its_label(store):
    seq = WindowSequence(store, "train", store.classes, Batching(batch_size=5, seed=1))
    total = sum(s["n_windows"] for s in store.songs("train"))
    assert len(seq) == -(-total // 5)
    for _ in range(2):
        batches = one_epoch(seq)
        x = np.concatenate([b[0] for b in batches])
        y = np.concatenate([b[1] for b in batches])
        assert x.shape == (total, 6, 4) and x.dtype == np.float32
        assert [len(b[1]) for b in batches][:-1] == [5] * (len(batches) - 1)
        expected = np.concatenate([store.load(s["song_id"]) for s in store.songs("train")])
        # the same multiset of windows: compare sorted rows
        assert np.array_equal(np.sort(x.reshape(total, -1), axis=0), np.sort(expected.reshape(total, -1), axis=0))
        for row, label in zip(x, y):  # each window carries its own song's label
            assert row[label].mean() > 1.0


def test_order_changes_each_epoch_and_repeats_with_the_seed(store):
    first = WindowSequence(store, "train", store.classes, Batching(batch_size=4, seed=7))
    second = WindowSequence(store, "train", store.classes, Batching(batch_size=4, seed=7))
    other = WindowSequence(store, "train", store.classes, Batching(batch_size=4, seed=8))
    orders = []
    for _ in range(3):
        orders.append(first.order.copy())
        assert np.array_equal(first.order, second.order)
        first.on_epoch_end()
        second.on_epoch_end()
    assert not np.array_equal(orders[0], orders[1]) and not np.array_equal(orders[1], orders[2])
    assert not np.array_equal(orders[0], other.order)


def test_batches_cross_song_boundaries(store):
    seq = WindowSequence(store, "train", store.classes, Batching(batch_size=7, seed=0, shuffle=False))
    songs = store.songs("train")
    x0, _ = seq[0]
    first = np.asarray(store.load(songs[0]["song_id"]))
    n0 = songs[0]["n_windows"]
    assert np.array_equal(x0[:n0], first)
    assert np.array_equal(x0[n0:], np.asarray(store.load(songs[1]["song_id"]))[:7 - n0])


def test_arrays_are_memory_mapped_and_open_files_bounded(store):
    seq = WindowSequence(store, "train", store.classes, Batching(batch_size=4, seed=0, open_files=3))
    one_epoch(seq)
    assert 0 < len(seq._open) <= 3
    assert all(isinstance(a, np.memmap) for a in seq._open.values())


def test_prepare_is_applied(store):
    seq = WindowSequence(store, "valid", store.classes, Batching(batch_size=3, shuffle=False,
                                                                   prepare=lambda x: x[..., None] * 0))
    x, y = seq[0]
    assert x.shape == (3, 6, 4, 1) and not x.any() and y.dtype == np.int32


def test_band_stats_use_the_train_split_only(store):
    stats = band_stats(store, "train")
    train = np.concatenate([store.load(s["song_id"]) for s in store.songs("train")]).astype(np.float64)
    per_band = np.moveaxis(train, 1, 0).reshape(6, -1)
    np.testing.assert_allclose(stats.mean, per_band.mean(axis=1), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(stats.std, per_band.std(axis=1), rtol=1e-6, atol=2e-6)
    everything = np.concatenate([store.load(s["song_id"]) for s in store.songs()])
    assert not np.allclose(stats.mean, np.moveaxis(everything, 1, 0).reshape(6, -1).mean(axis=1))
    normalised = stats.apply(train)
    np.testing.assert_allclose(np.moveaxis(normalised, 1, 0).reshape(6, -1).mean(axis=1), 0, atol=1e-5)
    assert BandStats.from_dict(stats.to_dict()).mean.tolist() == stats.mean.tolist()


def test_band_stats_for_vectors(tmp_path):
    store = FeatureSet(make_feature_store(tmp_path / "fft", (5,), name="fft"))
    stats = band_stats(store)
    assert stats.mean.shape == (5,)
    assert stats.apply(np.zeros((2, 5), np.float32)).shape == (2, 5)
