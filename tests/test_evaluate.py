"""Metrics on hand-made predictions: song aggregation, scores, confusion rows, the report."""

import json

import numpy as np
import pytest

from genrepipe.core.errors import DataError
from genrepipe.evaluation.song_level import confusion_rows, song_probabilities
from genrepipe.pipeline.report import collect, summary_table, write_report
from genrepipe.stats.single_label import (bootstrap_macro_f1, exact_interval, fold_interval, mcnemar, score,
                                          song_scores)


def test_song_prediction_is_the_mean_of_its_windows():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.7],   # song x: mean (0.467, 0.533) -> class 1
                      [0.6, 0.4]])                           # song y
    songs, song_probs = song_probabilities(probs, ["x", "x", "x", "y"])
    assert songs == ["x", "y"]
    np.testing.assert_allclose(song_probs, [[1.4 / 3, 1.6 / 3], [0.6, 0.4]])
    # a majority vote of windows would say class 1 too here, but the mean can disagree with it:
    _, disagree = song_probabilities(np.array([[0.45, 0.55], [0.45, 0.55], [0.99, 0.01]]), ["s"] * 3)
    assert disagree.argmax() == 0


def test_scores_count_only_the_classes_present():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 0])
    result = score(y_true, y_pred, ["a", "b", "c"])
    assert result["accuracy"] == pytest.approx(4 / 6)
    assert result["recall"] == {"a": 0.5, "b": 1.0, "c": 0.5}
    assert result["support"] == {"a": 2, "b": 2, "c": 2}
    f1 = [2 * 0.5 * 0.5 / 1.0, 2 * (2 / 3) * 1 / (2 / 3 + 1), 2 * 1 * 0.5 / 1.5]
    assert result["macro_f1"] == pytest.approx(np.mean(f1))
    # a class absent from the evaluated songs is not scored as a zero: perfect stays perfect
    perfect = score(np.array([0, 0, 2]), np.array([0, 0, 2]), ["a", "b", "c"])
    assert perfect["macro_f1"] == 1.0 and perfect["recall"] == {"a": 1.0, "c": 1.0}


def test_accuracy_intervals_are_exact_binomial_intervals():
    from scipy.stats import binomtest

    assert [round(v, 3) for v in exact_interval(61, 61)] == [0.941, 1.0]  # width at the ceiling
    assert [round(v, 3) for v in exact_interval(49, 51)] == [0.865, 0.995]
    for k, n in ((0, 10), (3, 7), (35, 110), (62, 110), (510, 510)):
        ci = binomtest(k, n).proportion_ci()
        assert np.round(exact_interval(k, n), 3).tolist() == np.round([ci.low, ci.high], 3).tolist()
    # a run's song scores carry it, and the chance flag follows its low end
    true = np.array([0] * 30 + [1] * 31)
    perfect = song_scores(true, np.eye(2)[true], ["a", "b"], seed=0)
    assert round(perfect["song_accuracy_lo"], 3) == 0.941 and perfect["song_accuracy_hi"] == 1.0
    assert perfect["above_chance"]
    coin = song_scores(true, np.eye(2)[np.r_[true[:34], 1 - true[34:]]], ["a", "b"], seed=0)
    assert coin["song_accuracy_lo"] < coin["majority_rate"] and not coin["above_chance"]


def test_macro_f1_bootstrap_brackets_the_score_and_narrows_with_more_songs():
    rng = np.random.default_rng(0)
    small_true = rng.integers(0, 3, 30)
    small_pred = np.where(rng.random(30) < 0.8, small_true, (small_true + 1) % 3)
    lo, hi = bootstrap_macro_f1(small_true, small_pred, seed=1)
    assert lo < score(small_true, small_pred, "abc")["macro_f1"] < hi
    big_lo, big_hi = bootstrap_macro_f1(np.tile(small_true, 10), np.tile(small_pred, 10), seed=1)
    assert big_hi - big_lo < 0.5 * (hi - lo)
    assert bootstrap_macro_f1(small_true, small_pred, seed=1) == (lo, hi)  # seeded
    assert bootstrap_macro_f1(small_true, small_true, seed=1) == (1.0, 1.0)  # no width at the edge


def test_mcnemar_and_fold_intervals():
    a = np.array([1] * 20 + [0] * 10, bool)
    b = np.array([1] * 10 + [0] * 20, bool)
    result = mcnemar(a, b)  # a alone right on 10 songs, b alone on none
    assert (result["only_a"], result["only_b"]) == (10, 0)
    assert result["p_value"] == pytest.approx(2 * 0.5 ** 10)
    assert mcnemar(a, a)["p_value"] == 1.0
    folds = fold_interval([0.8, 0.7, 0.9])
    assert folds["mean"] == pytest.approx(0.8) and folds["std"] == pytest.approx(0.1)
    assert folds["hi"] - folds["mean"] == pytest.approx(4.303 * 0.1 / np.sqrt(3), rel=1e-3)


def test_confusion_rows():
    assert confusion_rows(["rock", "pop"], ["pop", "pop"]) == [
        {"actual": "rock", "predicted": "pop"}, {"actual": "pop", "predicted": "pop"}]


def _write_run(folder, name, model, transform, valid_acc, test_correct):
    """A run's metrics, info and songs.csv; test_correct: which of 20 test songs it gets right."""
    (folder / name).mkdir(parents=True)
    block = lambda acc: {"song_accuracy": acc, "song_accuracy_lo": acc - 0.1, "song_accuracy_hi": acc + 0.05,
                         "song_macro_f1": acc, "song_macro_f1_lo": acc - 0.1, "song_macro_f1_hi": acc + 0.05,
                         "n_songs": 20, "majority_rate": 0.5}
    test_acc = sum(test_correct) / len(test_correct)
    (folder / name / "scores.json").write_text(json.dumps({"valid": block(valid_acc), "test": block(test_acc)}))
    (folder / name / "info.json").write_text(json.dumps(
        {"run": name, "model": model, "transform": transform, "classes": ["x", "y"]}))
    rows = ["split,song_id,label,predicted,p_x,p_y"]
    rows += [f"test,s{i},x,{'x' if ok else 'y'},0.5,0.5" for i, ok in enumerate(test_correct)]
    rows += ["valid,v0,x,x,1.0,0.0"]
    (folder / name / "songs.csv").write_text("\n".join(rows) + "\n")


def test_report_ranks_on_valid_and_compares_on_test(tmp_path):
    runs = tmp_path / "runs"
    _write_run(runs, "svc-mfcc", "svc", "mfcc", 0.8, [True] * 19 + [False])
    _write_run(runs, "cnn2d-mel", "cnn2d", "mel", 0.95, [True] * 8 + [False] * 12)
    _write_run(runs, "rfc-mel", "rfc", "mel", 0.85, [True] * 7 + [False] * 13)
    _write_run(runs, "old-run", "rfc", "mel", 0.99, [True] * 20)  # no longer in params.yaml
    rows = write_report(runs, tmp_path / "summary.md", tmp_path / "summary.png",
                        runs=["svc-mfcc", "cnn2d-mel", "rfc-mel"])
    assert [r["run"] for r in rows] == ["cnn2d-mel", "rfc-mel", "svc-mfcc"]  # by valid, not test
    table = (tmp_path / "summary.md").read_text()
    assert "old-run" not in table
    assert "| cnn2d-mel | cnn2d | mel | 0.950 [0.850, 1.000] | 0.400 [0.300, 0.450] |" in table
    assert "| (best) | 20 |" in table
    # svc gets right 11 test songs the best one misses, and misses none it gets: a real difference
    assert f"differs (p={2 * 0.5 ** 11:.3f}; 0 vs 11)" in table
    assert "| rfc-mel | rfc | mel |" in table and "cannot tell (p=1.000; 1 vs 0)" in table
    assert (tmp_path / "summary.png").read_bytes()[:4] == b"\x89PNG"
    assert summary_table(rows) in table


def test_report_needs_every_run_of_params(tmp_path):
    (tmp_path / "runs").mkdir()
    with pytest.raises(DataError, match="svc-mfcc/scores.json: not found; expected the scores of run 'svc-mfcc'"):
        collect(tmp_path / "runs", ["svc-mfcc"])
