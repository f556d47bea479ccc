"""Multi-label tag scores against scikit-learn: ROC-AUC and average precision with ties, macro and
micro, the bootstrap over songs against resampling by hand, the paired bootstrap, and F1 at the
best thresholds against a brute force."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from sklearn.metrics import (average_precision_score, f1_score, precision_score, recall_score,
                             roc_auc_score)

from genrepipe.stats.bootstrap import RESAMPLES
from genrepipe.stats.multi_label import (average_precision, best_thresholds, f1_scores, paired_bootstrap,
                                   roc_auc, tag_scores)

TAGS = ["rock", "jazz", "calm", "vocal", "live"]


def informative(seed: int, n_songs: int = 300, n_tags: int = 5, signal: float = 0.3) -> tuple:
    """Truth with varied prevalence and probabilities that lean towards it, rounded (ties)."""
    rng = np.random.default_rng(seed)
    truth = (rng.random((n_songs, n_tags)) < rng.uniform(0.1, 0.5, n_tags)).astype(int)
    probs = np.round(np.clip(signal * truth + rng.random((n_songs, n_tags)), 0, 1), 2)
    return truth, probs


@pytest.mark.parametrize("seed", range(40))
def test_roc_auc_and_average_precision_equal_sklearn_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 200))
    truth = rng.random(n) < rng.uniform(0.05, 0.95)
    truth[:2] = [True, False]  # both classes
    scores = np.round(rng.random(n) + 0.3 * truth, 1)  # few distinct values: many ties
    assert roc_auc(truth, scores) == pytest.approx(roc_auc_score(truth, scores), abs=1e-12)
    assert average_precision(truth, scores) == pytest.approx(average_precision_score(truth, scores),
                                                             abs=1e-12)
    assert roc_auc(truth.astype(int), scores) == pytest.approx(roc_auc_score(truth.astype(int), scores), abs=1e-12)


def test_all_tied_scores_give_half_and_the_prevalence():
    truth = np.array([1, 0, 0, 1, 0])
    scores = np.full(5, 0.3)
    assert roc_auc(truth, scores) == 0.5
    assert average_precision(truth, scores) == pytest.approx(0.4, abs=1e-15)


def test_undefined_scores_are_nan():
    scores = np.array([0.1, 0.5, 0.9])
    assert math.isnan(roc_auc(np.zeros(3), scores))
    assert math.isnan(roc_auc(np.ones(3), scores))
    assert math.isnan(average_precision(np.zeros(3), scores))
    # only positives: average precision is defined (1), as in sklearn
    assert average_precision(np.ones(3), scores) == average_precision_score(np.ones(3), scores) == 1.0


def test_bad_inputs_raise():
    with pytest.raises(ValueError):
        roc_auc(np.array([0, 1]), np.array([0.1, 0.2, 0.3]))
    with pytest.raises(ValueError):
        roc_auc(np.array([0, 1]), np.array([0.1, np.nan]))
    with pytest.raises(ValueError):
        tag_scores(np.zeros((3, 2)), np.zeros((3, 3)), ["a", "b"], seed=0)
    with pytest.raises(ValueError):
        tag_scores(np.zeros((3, 2)), np.zeros((3, 2)), ["a"], seed=0)


def test_separable_tags_score_one_and_are_above_chance():
    rng = np.random.default_rng(0)
    truth = (rng.random((100, 4)) < 0.3).astype(int)
    truth[:2] = [[1, 1, 1, 1], [0, 0, 0, 0]]
    probs = np.where(truth == 1, 0.6 + 0.4 * rng.random(truth.shape), 0.4 * rng.random(truth.shape))
    result = tag_scores(truth, probs, TAGS[:4], seed=1)
    for key in ("macro_roc_auc", "micro_roc_auc", "macro_pr_auc", "micro_pr_auc"):
        assert result[key] == result[f"{key}_lo"] == result[f"{key}_hi"] == 1.0
    assert result["above_chance"] is True


def test_shuffled_truth_is_not_above_chance():
    rng = np.random.default_rng(3)
    truth, _ = informative(3, n_songs=200)
    probs = rng.random(truth.shape)
    result = tag_scores(rng.permutation(truth), probs, TAGS, seed=0)
    assert result["macro_roc_auc_lo"] < 0.5 < result["macro_roc_auc_hi"]
    assert result["above_chance"] is False


def test_point_values_equal_sklearn():
    truth, probs = informative(1)
    result = tag_scores(truth, probs, TAGS, seed=0)
    assert result["micro_roc_auc"] == pytest.approx(roc_auc_score(truth.ravel(), probs.ravel()),
                                                    abs=1e-12)
    assert result["micro_pr_auc"] == pytest.approx(
        average_precision_score(truth.ravel(), probs.ravel()), abs=1e-12)
    per_roc = [roc_auc_score(truth[:, t], probs[:, t]) for t in range(len(TAGS))]
    per_ap = [average_precision_score(truth[:, t], probs[:, t]) for t in range(len(TAGS))]
    assert result["macro_roc_auc"] == pytest.approx(np.mean(per_roc), abs=1e-12)
    assert result["macro_pr_auc"] == pytest.approx(np.mean(per_ap), abs=1e-12)
    assert result["chance_pr_auc"] == pytest.approx(truth.mean(axis=0).mean(), abs=1e-12)
    assert list(result["per_tag"]) == TAGS
    for t, tag in enumerate(TAGS):
        scores = result["per_tag"][tag]
        assert scores["roc_auc"] == pytest.approx(per_roc[t], abs=1e-12)
        assert scores["pr_auc"] == pytest.approx(per_ap[t], abs=1e-12)
        assert scores["positives"] == int(truth[:, t].sum())
        assert scores["prevalence"] == pytest.approx(truth[:, t].mean())
    assert (result["n_songs"], result["n_tags"]) == (300, 5)


def test_intervals_equal_resampling_by_hand():
    """Each resample's scores, weighted by how often a song is drawn, equal sklearn's on the
    resampled rows; a tag with one class in a resample is left out of it. The rare tag (one
    positive of 40 songs) is missing from many resamples."""
    seed, n_boot = 7, RESAMPLES
    truth, probs = informative(2, n_songs=40, n_tags=4)
    truth[:, 3] = 0
    truth[17, 3] = 1
    result = tag_scores(truth, probs, TAGS[:4], seed=seed)
    draws = np.random.default_rng([seed, 40]).integers(0, 40, size=(n_boot, 40))  # the engine's draws
    roc = np.full((n_boot, 4), np.nan)
    ap = np.full((n_boot, 4), np.nan)
    micro_roc, micro_ap = np.empty(n_boot), np.empty(n_boot)
    for b, rows in enumerate(draws):
        y, p = truth[rows], probs[rows]
        for t in range(4):
            if 0 < y[:, t].sum() < len(rows):
                roc[b, t] = roc_auc_score(y[:, t], p[:, t])
            if y[:, t].sum() > 0:
                ap[b, t] = average_precision_score(y[:, t], p[:, t])
        micro_roc[b] = roc_auc_score(y.ravel(), p.ravel())
        micro_ap[b] = average_precision_score(y.ravel(), p.ravel())
    assert np.isnan(roc[:, 3]).sum() > 5  # the rare tag really is left out of some resamples

    def interval(values):
        values = values[~np.isnan(values)]
        return list(np.percentile(values, [2.5, 97.5]))

    def check(name, values):
        assert [result[f"{name}_lo"], result[f"{name}_hi"]] == pytest.approx(interval(values), abs=1e-12)

    check("macro_roc_auc", np.nanmean(roc, axis=1))
    check("macro_pr_auc", np.nanmean(ap, axis=1))
    check("micro_roc_auc", micro_roc)
    check("micro_pr_auc", micro_ap)
    for t, tag in enumerate(TAGS[:4]):
        per_tag = result["per_tag"][tag]
        roc_interval, pr_interval = interval(roc[:, t]), interval(ap[:, t])
        assert [per_tag["roc_auc_lo"], per_tag["roc_auc_hi"]] == pytest.approx(roc_interval, abs=1e-12)
        assert [per_tag["pr_auc_lo"], per_tag["pr_auc_hi"]] == pytest.approx(pr_interval, abs=1e-12)


def test_intervals_bracket_the_point_values():
    truth, probs = informative(4)
    result = tag_scores(truth, probs, TAGS, seed=0)
    names = ["macro_roc_auc", "micro_roc_auc", "macro_pr_auc", "micro_pr_auc"]
    for name in names:
        assert result[f"{name}_lo"] <= result[name] <= result[f"{name}_hi"]
        assert result[f"{name}_lo"] < result[f"{name}_hi"]
    for scores in result["per_tag"].values():
        for name in ("roc_auc", "pr_auc"):
            assert scores[f"{name}_lo"] <= scores[name] <= scores[f"{name}_hi"]
    assert result["above_chance"] is (result["macro_roc_auc_lo"] > 0.5) is True


def test_same_seed_same_dict_and_json_ready():
    truth, probs = informative(5)
    thresholds = best_thresholds(truth, probs)
    first = tag_scores(truth, probs, TAGS, seed=3, thresholds=thresholds)
    assert tag_scores(truth, probs, TAGS, seed=3, thresholds=thresholds) == first
    assert tag_scores(truth, probs, TAGS, seed=4, thresholds=thresholds) != first
    assert json.loads(json.dumps(first, allow_nan=False)) == first


def test_tags_with_one_class_are_none_and_left_out_of_the_macro_mean():
    truth, probs = informative(6, n_tags=4)
    truth[:, 2] = 0  # never tagged
    truth[:, 3] = 1  # always tagged
    result = tag_scores(truth, probs, TAGS[:4], seed=0)
    never, always = result["per_tag"]["calm"], result["per_tag"]["vocal"]
    assert never["roc_auc"] is never["roc_auc_lo"] is never["roc_auc_hi"] is None
    assert never["pr_auc"] is never["pr_auc_lo"] is None
    assert always["roc_auc"] is None
    assert always["pr_auc"] == always["pr_auc_lo"] == 1.0  # all positive: every precision is 1
    assert never["positives"] == 0 and always["prevalence"] == 1.0
    defined = [roc_auc_score(truth[:, t], probs[:, t]) for t in (0, 1)]
    assert result["macro_roc_auc"] == pytest.approx(np.mean(defined), abs=1e-12)
    with_positives = [average_precision_score(truth[:, t], probs[:, t]) for t in (0, 1, 3)]
    assert result["macro_pr_auc"] == pytest.approx(np.mean(with_positives), abs=1e-12)
    assert result["chance_pr_auc"] == pytest.approx(truth[:, [0, 1, 3]].mean(), abs=1e-12)
    json.dumps(result, allow_nan=False)


def test_no_tag_defined_gives_none_and_not_above_chance():
    result = tag_scores(np.zeros((10, 2)), np.random.default_rng(0).random((10, 2)), ["a", "b"], seed=0)
    assert result["macro_roc_auc"] is result["macro_roc_auc_lo"] is result["micro_roc_auc"] is None
    assert result["chance_pr_auc"] is None
    assert result["above_chance"] is False
    json.dumps(result, allow_nan=False)


def test_paired_bootstrap_of_a_run_against_itself():
    truth, probs = informative(7)
    result = paired_bootstrap(truth, probs, probs, seed=0)
    assert result == {"difference": 0.0, "difference_lo": 0.0, "difference_hi": 0.0, "p_value": 1.0,
                      "n_songs": 300}


def test_paired_bootstrap_finds_the_better_run():
    truth, better = informative(8, signal=0.6)
    worse = np.round(np.clip(0.1 * truth + np.random.default_rng(9).random(truth.shape), 0, 1), 2)
    result = paired_bootstrap(truth, better, worse, seed=0)
    expected = (np.mean([roc_auc_score(truth[:, t], better[:, t]) for t in range(5)])
                - np.mean([roc_auc_score(truth[:, t], worse[:, t]) for t in range(5)]))
    assert result["difference"] == pytest.approx(expected, abs=1e-12)
    assert 0 < result["difference_lo"] < result["difference"] < result["difference_hi"]
    assert result["p_value"] < 0.05
    reverse = paired_bootstrap(truth, worse, better, seed=0)
    assert reverse["difference_hi"] < 0 and reverse["p_value"] < 0.05


def test_paired_bootstrap_of_close_runs_is_not_significant():
    truth, probs = informative(10)
    noisy = np.clip(probs + 0.01 * np.random.default_rng(1).standard_normal(probs.shape), 0, 1)
    result = paired_bootstrap(truth, probs, noisy, seed=0)
    assert result["difference_lo"] < 0 < result["difference_hi"]
    assert result["p_value"] > 0.05


def brute_force_best(truth: np.ndarray, probs: np.ndarray) -> tuple[float, float]:
    """The best F1 over the tag's distinct probabilities as thresholds, and the largest of those
    thresholds reaching it, with sklearn."""
    f1 = {t: f1_score(truth, probs >= t, zero_division=0) for t in np.unique(probs)}
    best = max(f1.values())
    return best, max(t for t, value in f1.items() if value == best)


@pytest.mark.parametrize("seed", range(10))
def test_best_thresholds_reach_the_best_f1(seed):
    truth, probs = informative(seed, n_songs=80, signal=0.2)
    probs = np.round(probs, 1)  # ties in probability, and often in F1
    thresholds = best_thresholds(truth, probs)
    assert thresholds.shape == (5,) and thresholds.dtype == float
    for t in range(5):
        best, largest = brute_force_best(truth[:, t], probs[:, t])
        reached = f1_score(truth[:, t], probs[:, t] >= thresholds[t], zero_division=0)
        assert reached == pytest.approx(best)
        assert thresholds[t] == largest


def test_best_threshold_ties_pick_the_largest():
    truth = np.array([[1], [0], [0], [1]])
    probs = np.array([[0.8], [0.6], [0.4], [0.2]])
    # at 0.8 and at 0.2 F1 is 2/3; at 0.6 and 0.4 less
    assert best_thresholds(truth, probs).tolist() == [0.8]


def test_best_threshold_of_a_tag_without_positives_tags_nothing():
    truth = np.array([[0, 1], [0, 0], [0, 1]])
    probs = np.array([[1.0, 0.9], [0.5, 0.2], [0.0, 0.7]])
    thresholds = best_thresholds(truth, probs)
    assert thresholds[0] > 1.0 and math.isfinite(thresholds[0])
    assert not np.any(probs[:, 0] >= thresholds[0])
    assert thresholds[1] == 0.7
    json.dumps(thresholds.tolist(), allow_nan=False)


@pytest.mark.parametrize("seed", range(5))
def test_f1_scores_equal_sklearn(seed):
    truth, probs = informative(seed, n_songs=60)
    truth[:, 4] = 0  # no positive; with threshold 2 also no predicted positive
    thresholds = np.random.default_rng(seed).uniform(0.2, 1.0, 5)
    thresholds[4] = 2.0
    pred = (probs >= thresholds).astype(int)
    result = f1_scores(truth, probs, thresholds)
    for average in ("macro", "micro"):
        expected = f1_score(truth, pred, average=average, zero_division=0)
        assert result[f"{average}_f1"] == pytest.approx(expected, abs=1e-12)
    for key, reference in (("f1", f1_score), ("precision", precision_score), ("recall", recall_score)):
        expected = reference(truth, pred, average=None, zero_division=0)
        assert result[key] == pytest.approx(list(expected), abs=1e-12)
    assert result["f1"][4] == 0.0


def test_tag_scores_with_thresholds_adds_f1():
    truth, probs = informative(11)
    thresholds = best_thresholds(truth, probs)
    result = tag_scores(truth, probs, TAGS, seed=0, thresholds=thresholds)
    f1 = f1_scores(truth, probs, thresholds)
    assert (result["macro_f1"], result["micro_f1"]) == (f1["macro_f1"], f1["micro_f1"])
    for t, tag in enumerate(TAGS):
        scores = result["per_tag"][tag]
        assert scores["threshold"] == thresholds[t]
        assert (scores["f1"], scores["precision"], scores["recall"]) == (
            f1["f1"][t], f1["precision"][t], f1["recall"][t])
    assert "macro_f1" not in tag_scores(truth, probs, TAGS, seed=0)
