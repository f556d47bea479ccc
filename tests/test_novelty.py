"""The novelty stage's detector: the distance outside the training songs' range, the threshold
set on songs the range did not include, and the stage's outputs."""

import json

import numpy as np
import pytest

from genrepipe.core.errors import DataError
from genrepipe.core.store import save_array, write_json
from genrepipe.novelty.detector import Range, held_out_distances, threshold, unknown_rate
from genrepipe.pipeline.novelty import fit_novelty


def test_the_distance_counts_interquartile_ranges_outside_the_range_summed():
    reference = np.array([[0.0, 10.0], [1.0, 20.0], [2.0, 30.0], [3.0, 40.0], [4.0, 50.0]])
    r = Range.of(reference)  # interquartile ranges 2 and 20
    assert r.distance(reference).tolist() == [0.0] * 5
    # 2 below the lowest in the first value (1 IQR), 30 above the highest in the second (1.5)
    assert r.distance(np.array([[-2.0, 80.0]]))[0] == pytest.approx(1.0 + 1.5)
    # a value every training song shares: leaving it at all counts heavily
    flat = Range.of(np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]))
    assert flat.distance(np.array([[1.01, 1.0]]))[0] > 1e3


def test_held_out_songs_are_measured_against_the_other_groups_only():
    songs = np.array([[0.0], [1.0], [2.0], [10.0]])
    distances = held_out_distances(songs, ["a", "a", "b", "b"])
    # a: range [2, 10], IQR 4; b: range [0, 1], IQR 0.5
    assert distances.tolist() == pytest.approx([0.5, 0.25, 2.0, 18.0])


def test_the_threshold_is_the_99th_percentile_and_rates_have_exact_intervals():
    assert threshold(np.arange(101.0)) == pytest.approx(99.0)
    assert threshold(np.zeros(60)) == 1.0  # every valid song inside the range: the least threshold
    rate = unknown_rate([True] + [False] * 60)
    assert (rate["unknown"], rate["songs"]) == (1, 61)
    assert rate["rate_lo"] < 1 / 61 < rate["rate_hi"]


def windows_folder(folder, splits: dict[str, str], sample_rate=8000):
    """A segment stage's output: each song a few 1 s windows of a tone (its own pitch) with noise."""
    folder.mkdir()
    rng = np.random.default_rng(0)
    songs = []
    for i, (song_id, split) in enumerate(splits.items()):
        t = np.arange(3 * sample_rate) / sample_rate
        y = 0.3 * np.sin(2 * np.pi * (200 + 20 * i) * t) + 0.05 * rng.standard_normal(t.size)
        save_array(folder / f"{song_id}.npy", y.reshape(3, sample_rate).astype(np.float32))
        songs.append({"song_id": song_id, "source_song": song_id, "label": song_id[0], "split": split,
                      "n_windows": 3})
    write_json(folder / "index.json", {"sample_rate": sample_rate, "window": 1.0, "hop": 1.0,
                                       "window_samples": sample_rate, "hop_samples": sample_rate,
                                       "short": "pad", "songs": songs, "skipped": []})


def test_the_stage_sets_the_line_on_valid_and_writes_the_same_bytes_twice(tmp_path):
    splits = {f"{c}{i}": s for c in "ab" for i, s in enumerate(["train"] * 6 + ["valid"] * 3 + ["test"] * 2)}
    windows_folder(tmp_path / "windows", splits)
    metrics = fit_novelty(tmp_path / "windows", tmp_path / "models/novelty", tmp_path / "metrics", jobs=1)
    record = json.loads((tmp_path / "models/novelty/novelty.json").read_text())
    assert record["set_on"] == "the valid songs (6)" and record["reference"] == "the train songs (12)"
    assert set(metrics["novelty"]) == {"threshold", "set_on", "valid", "test"}
    assert metrics["novelty"]["test"]["songs"] == 4
    first = {p: p.read_bytes() for p in sorted(tmp_path.glob("*/**/*.*")) if "windows" not in str(p)}
    fit_novelty(tmp_path / "windows", tmp_path / "models/novelty", tmp_path / "metrics", jobs=2)
    assert {p: p.read_bytes() for p in first} == first


def test_k_fold_sets_the_line_on_each_fold_against_the_others(tmp_path):
    windows_folder(tmp_path / "windows", {f"s{i:02d}": f"fold{i % 3}" for i in range(12)})
    metrics = fit_novelty(tmp_path / "windows", tmp_path / "models/novelty", tmp_path / "metrics", jobs=1)
    assert metrics["novelty"]["set_on"].startswith("every song, against the songs of the other 2 folds")
    assert metrics["novelty"]["all"]["songs"] == 12
    rows = (tmp_path / "metrics/novelty/songs.csv").read_text().splitlines()
    assert rows[0] == "song_id,label,split,distance,ratio,unknown" and len(rows) == 13


def test_no_songs_to_learn_from_fails_and_leaves_nothing(tmp_path):
    windows_folder(tmp_path / "windows", {"a0": "test", "a1": "test"})
    with pytest.raises(DataError, match="0 train songs: the range of the training songs needs at least 2"):
        fit_novelty(tmp_path / "windows", tmp_path / "models/novelty", tmp_path / "metrics", jobs=1)
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())
