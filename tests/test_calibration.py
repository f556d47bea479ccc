"""Calibration: the ECE and Brier score by hand, temperature scaling that finds the temperature it
was given, learns only on songs it is not scored on, and never moves a song's top class."""

import numpy as np
import pytest

from genrepipe.evaluation.calibration import add_calibration, calibrate, temperature_of
from genrepipe.evaluation.tasks.multiclass import Multiclass
from genrepipe.evaluation.tasks.multilabel import Multilabel
from genrepipe.stats.calibration import (
    BINS, apply_temperature, brier, calibration_intervals, ece, fit_temperature, reliability)


def overconfident(n: int, seed: int, sharpen: float = 2.5, classes: int = 4):
    """Songs whose labels are drawn from softmax(logits), and a model that says
    softmax(sharpen * logits): too sure by a temperature of `sharpen`."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1.2, size=(n, classes))
    true_p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth = np.array([rng.choice(classes, p=p) for p in true_p])
    said = np.exp(sharpen * logits)
    return said / said.sum(axis=1, keepdims=True), truth


def test_ece_and_brier_by_hand():
    probs = np.array([[0.95, 0.05], [0.95, 0.05], [0.55, 0.45], [0.30, 0.70]])
    truth = np.array([0, 1, 0, 1])
    # bins of the top probability: 0.95 twice (right once: |0.5 - 0.95| = 0.45), 0.55 (right:
    # 0.45), 0.70 (right: 0.30); weighted by their songs' share
    assert ece(probs, truth) == pytest.approx((2 * 0.45 + 0.45 + 0.30) / 4)
    onehot = np.eye(2)[truth]
    assert brier(probs, truth) == pytest.approx(np.mean(((probs - onehot) ** 2).sum(axis=1)))
    points = reliability(probs, truth)
    assert [p["songs"] for p in points] == [1, 1, 2] and points[-1]["accuracy"] == 0.5
    assert ece(np.eye(3), np.arange(3)) == 0 and brier(np.eye(3), np.arange(3)) == 0


def test_temperature_scaling_finds_the_temperature_it_was_given_and_keeps_the_top_class():
    probs, truth = overconfident(4000, seed=1, sharpen=2.5)
    temperature = fit_temperature(probs, truth)
    assert temperature == pytest.approx(2.5, rel=0.1)
    scaled = apply_temperature(probs, temperature)
    assert np.array_equal(scaled.argmax(axis=1), probs.argmax(axis=1))
    np.testing.assert_allclose(scaled.sum(axis=1), 1)
    np.testing.assert_allclose(apply_temperature(scaled, 1 / temperature), probs, atol=1e-9)  # undone
    assert np.array_equal(apply_temperature(probs, 1.0), probs)
    # an underconfident model is made surer (T < 1)
    timid, timid_truth = overconfident(4000, seed=2, sharpen=0.5)
    assert fit_temperature(timid, timid_truth) == pytest.approx(0.5, rel=0.1)


def test_learnt_on_valid_it_lowers_the_test_ece_of_an_overconfident_model():
    valid, valid_truth = overconfident(600, seed=3)
    test, test_truth = overconfident(600, seed=4)
    probs, truth = np.concatenate([valid, test]), np.concatenate([valid_truth, test_truth])
    splits = ["valid"] * 600 + ["test"] * 600
    calibration = calibrate(probs, truth, splits)
    assert calibration.fit_on == "valid"
    assert calibration.temperature == fit_temperature(valid, valid_truth)  # test never seen
    scores = calibration_intervals(test_truth, test, calibration.probs[600:], seed=0)
    assert scores["ece_calibrated"] < scores["ece"] / 2
    assert scores["ece_change_hi"] < 0  # the paired interval of the change excludes zero
    for key in ("ece", "ece_calibrated", "brier", "brier_calibrated"):
        assert scores[f"{key}_lo"] <= scores[key] <= scores[f"{key}_hi"], key
    assert scores["ece_change"] == pytest.approx(scores["ece_calibrated"] - scores["ece"])


def test_each_fold_is_scaled_by_a_temperature_learnt_on_the_other_folds():
    probs, truth = overconfident(300, seed=5)
    folds = np.array([f"fold{i % 3}" for i in range(300)])
    calibration = calibrate(probs, truth, folds)
    for fold, temperature in calibration.fold_temperatures.items():
        inside = folds == fold
        assert temperature == fit_temperature(probs[~inside], truth[~inside])
        np.testing.assert_allclose(calibration.probs[inside], apply_temperature(probs[inside], temperature))
    assert calibration.temperature == fit_temperature(probs, truth)  # what predict applies
    assert set(calibration.record()["fold_temperatures"]) == {"fold0", "fold1", "fold2"}


def test_no_valid_songs_leaves_the_probabilities_as_they_are():
    probs, truth = overconfident(50, seed=6)
    calibration = calibrate(probs, truth, ["test"] * 50)
    assert calibration.temperature == 1.0 and np.array_equal(calibration.probs, probs)
    assert "nothing" in calibration.fit_on


def test_scores_gain_calibration_for_genres_and_not_for_taggers():
    probs, truth = overconfident(80, seed=7)
    splits = ["valid"] * 40 + ["test"] * 40
    metrics = {"valid": {"song_accuracy": 0.5}, "test": {"song_accuracy": 0.5}}
    scored, calibration = add_calibration(metrics, Multiclass(), truth, probs, splits, seed=0)
    assert scored["calibration"]["temperature"] == calibration.temperature == temperature_of(scored)
    assert scored["calibration"]["bins"] == BINS and scored["test"]["song_accuracy"] == 0.5
    assert {"ece", "ece_calibrated", "brier_change_lo"} <= set(scored["test"]) and "ece" in scored["valid"]
    assert add_calibration(metrics, Multilabel(), truth, probs, splits, seed=0) == (metrics, None)
    assert temperature_of(metrics) == 1.0
