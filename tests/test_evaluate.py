"""Metrics on hand-made predictions: song aggregation, scores, confusion rows, the report."""

import json

import numpy as np
import pytest

from genrepipe.errors import DataError
from genrepipe.pipeline.evaluate import confusion_rows, score, song_probabilities
from genrepipe.pipeline.report import collect, summary_table, write_report


def test_song_prediction_is_the_mean_of_its_windows():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7],   # song x: mean (0.467, 0.533) -> class 1
                      [0.6, 0.4]])                           # song y
    songs, song_probs = song_probabilities(probs, ["x", "x", "x", "y"])
    assert songs == ["x", "y"]
    np.testing.assert_allclose(song_probs, [[1.4 / 3, 1.6 / 3], [0.6, 0.4]])
    # a majority vote of windows would say class 1 too here, but the mean can disagree with it:
    _, disagree = song_probabilities(np.array([[0.45, 0.55], [0.45, 0.55], [0.99, 0.01]]), ["s"] * 3)
    assert disagree.argmax() == 0


def test_scores():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0])
    result = score(y_true, y_pred, ["a", "b", "c"])
    assert result["accuracy"] == pytest.approx(4 / 6)
    assert result["recall"] == {"a": 0.5, "b": 1.0, "c": 0.5}
    f1 = [2 * 0.5 * 0.5 / 1.0, 2 * (2 / 3) * 1 / (2 / 3 + 1), 2 * 1 * 0.5 / 1.5]
    assert result["macro_f1"] == pytest.approx(np.mean(f1))
    # a class never predicted and never present still counts (0), without warnings
    assert score(np.array([0, 0]), np.array([0, 0]), ["a", "b"])["recall"] == {"a": 1.0, "b": 0.0}


def test_confusion_rows():
    assert confusion_rows(["rock", "pop"], ["pop", "pop"]) == [
        {"actual": "rock", "predicted": "pop"}, {"actual": "pop", "predicted": "pop"}]


def _write_run(folder, name, model, transform, song_acc):
    (folder / name).mkdir(parents=True)
    metrics = {"window_accuracy": song_acc - 0.1, "window_macro_f1": 0.5, "song_accuracy": song_acc,
               "song_macro_f1": song_acc, "song_recall": {}, "n_test_songs": 60, "n_test_windows": 600}
    (folder / f"{name}.json").write_text(json.dumps(metrics))
    (folder / name / "info.json").write_text(json.dumps(
        {"run": name, "model": model, "transform": transform, "classes": []}))


def test_report_sorted_by_song_accuracy(tmp_path):
    runs = tmp_path / "runs"
    _write_run(runs, "svc-mfcc", "svc", "mfcc", 0.8)
    _write_run(runs, "cnn2d-mel", "cnn2d", "mel", 0.95)
    _write_run(runs, "rfc-mel", "rfc", "mel", 0.85)
    rows = write_report(runs, tmp_path / "summary.md", tmp_path / "summary.png")
    assert [r["run"] for r in rows] == ["cnn2d-mel", "rfc-mel", "svc-mfcc"]
    table = (tmp_path / "summary.md").read_text()
    assert "| cnn2d-mel | cnn2d | mel | 0.850 | 0.950 | 0.950 | 60 |" in table
    assert table.index("cnn2d-mel") < table.index("rfc-mel") < table.index("svc-mfcc")
    assert (tmp_path / "summary.png").read_bytes()[:4] == b"\x89PNG"
    assert summary_table(rows) in table


def test_report_needs_runs(tmp_path):
    (tmp_path / "runs").mkdir()
    with pytest.raises(DataError, match="no run metrics"):
        collect(tmp_path / "runs")
