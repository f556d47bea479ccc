"""Atomic writes: a failure leaves no half-written file and no output folder behind."""

import numpy as np
import pytest

from genrepipe.core.store import atomic_open, load_array, save_array, staging_dir


def test_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "out.json"
    with pytest.raises(RuntimeError):
        with atomic_open(target) as handle:
            handle.write("half")
            raise RuntimeError("crash")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "a.npy"
    save_array(target, np.arange(3))
    with pytest.raises(RuntimeError):
        with atomic_open(target, "wb") as handle:
            handle.write(b"junk")
            raise RuntimeError("crash")
    np.testing.assert_array_equal(load_array(target), np.arange(3))
    assert list(tmp_path.iterdir()) == [target]


def test_arrays_are_memory_mapped(tmp_path):
    save_array(tmp_path / "a.npy", np.ones((4, 5), dtype=np.float32))
    assert isinstance(load_array(tmp_path / "a.npy"), np.memmap)
    assert not isinstance(load_array(tmp_path / "a.npy", mmap=False), np.memmap)


def test_staging_dir_appears_only_when_complete(tmp_path):
    final = tmp_path / "windows"
    with pytest.raises(KeyboardInterrupt):
        with staging_dir(final) as stage:
            save_array(stage / "x.npy", np.zeros(2))
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "windows.partial").mkdir()  # left over by a killed run
    (tmp_path / "windows.partial" / "stale.npy").write_bytes(b"")
    with staging_dir(final) as stage:
        save_array(stage / "x.npy", np.zeros(2))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["windows"]
    assert [p.name for p in final.iterdir()] == ["x.npy"]
