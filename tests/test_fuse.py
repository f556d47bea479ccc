"""The fusion: runs averaged on their song probabilities, the runs chosen on valid only."""

import json

import numpy as np
import pytest

from genrepipe.errors import DataError
from genrepipe.pipeline.fuse import fuse_runs, greedy_selection
from genrepipe.pipeline.report import collect
from genrepipe.store import read_csv


def _run(folder, name, probs_valid, probs_test, labels_valid, labels_test, classes=("a", "b")):
    """A run's info.json, songs.csv and metrics from its song probabilities."""
    (folder / name).mkdir(parents=True)
    (folder / name / "info.json").write_text(json.dumps(
        {"run": name, "model": "m", "transform": "t", "classes": list(classes)}))
    lines = ["split,song_id,label,predicted," + ",".join(f"p_{c}" for c in classes)]
    for split, probs, labels in (("valid", probs_valid, labels_valid), ("test", probs_test, labels_test)):
        for i, (p, label) in enumerate(zip(probs, labels, strict=True)):
            lines.append(f"{split},{split}{i},{label},{classes[int(np.argmax(p))]}," + ",".join(map(str, p)))
    (folder / name / "songs.csv").write_text("\n".join(lines) + "\n")
    block = lambda n: {"song_accuracy": 0.5, "song_accuracy_lo": 0.1, "song_accuracy_hi": 0.9,
                       "song_macro_f1": 0.5, "song_macro_f1_lo": 0.1, "song_macro_f1_hi": 0.9, "n_songs": n,
                       "majority_rate": 0.5}
    (folder / name / "scores.json").write_text(json.dumps({"valid": block(len(labels_valid)),
                                                     "test": block(len(labels_test))}))


def test_greedy_selection_adds_a_run_only_when_it_helps():
    truth = np.array([0, 0, 1, 1])
    right_on_first_half = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]])
    right_on_second_half = np.array([[0.4, 0.6], [0.4, 0.6], [0.1, 0.9], [0.1, 0.9]])
    useless = np.full((4, 2), 0.5)
    chosen = greedy_selection({"x": right_on_first_half, "y": right_on_second_half, "z": useless}, truth)
    assert chosen == ["x", "y"]  # each alone 0.5, together 1.0; z adds nothing
    assert greedy_selection({"x": right_on_first_half}, truth) == ["x"]


def test_the_fusion_is_chosen_on_valid_and_scored_on_test(tmp_path):
    runs = tmp_path / "runs"
    labels_valid, labels_test = ["a", "a", "b", "b"], ["a", "b", "a", "b"]
    half_a = [[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]]
    half_b = [[0.4, 0.6], [0.4, 0.6], [0.1, 0.9], [0.1, 0.9]]
    _run(runs, "x", half_a, half_a, labels_valid, labels_test)
    _run(runs, "y", half_b, half_b, labels_valid, labels_test)
    perfect_on_test = [[0.9, 0.1], [0.1, 0.9], [0.9, 0.1], [0.1, 0.9]]  # but wrong on valid
    _run(runs, "cheat", [[0.2, 0.8], [0.2, 0.8], [0.8, 0.2], [0.8, 0.2]], perfect_on_test,
         labels_valid, labels_test)
    metrics = fuse_runs(runs, ["x", "y", "cheat"], tmp_path, seed=0)
    assert metrics["runs"] == ["x", "y"]
    assert metrics["valid"]["song_accuracy"] == 1.0
    assert metrics["test"]["song_accuracy"] == 0.5 and metrics["test"]["n_songs"] == 4
    rows = read_csv(tmp_path / "fusion/songs.csv")
    assert [r["predicted"] for r in rows[:4]] == ["a", "a", "b", "b"]
    assert float(rows[0]["p_a"]) == pytest.approx(0.65)
    table = collect(runs, ["x", "y", "cheat"], tmp_path)
    assert table[0]["run"] == "fusion"  # ranked on valid, where it is best


def test_runs_over_other_classes_cannot_be_fused(tmp_path):
    runs = tmp_path / "runs"
    p = [[0.5, 0.5]] * 2
    _run(runs, "x", p, p, ["a", "b"], ["a", "b"])
    _run(runs, "y", p, p, ["c", "b"], ["c", "b"], classes=("c", "b"))
    with pytest.raises(DataError, match="runs y have other classes than 'x'"):
        fuse_runs(runs, ["x", "y"], tmp_path, seed=0)
