"""The fusion: runs combined on their song probabilities (select, mean, stack), learnt on valid
only, or with k folds on the other folds only."""

import json

import numpy as np
import pytest

from genrepipe.config.params import FUSE_METHODS
from genrepipe.core.errors import DataError
from genrepipe.core.store import read_csv
from genrepipe.evaluation.fusion import METHODS, greedy_selection, nested
from genrepipe.pipeline.fuse import fuse_runs
from genrepipe.pipeline.report import collect


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


def _kfold_run(folder, name, probs, labels, folds, classes=("a", "b")):
    """A k-fold run: every song tested once, in the fold named by `folds`."""
    (folder / name).mkdir(parents=True)
    (folder / name / "info.json").write_text(json.dumps(
        {"run": name, "model": "m", "transform": "t", "classes": list(classes)}))
    lines = ["split,song_id,label,predicted," + ",".join(f"p_{c}" for c in classes)]
    for i, (p, label, fold) in enumerate(zip(probs, labels, folds, strict=True)):
        lines.append(f"{fold},s{i},{label},{classes[int(np.argmax(p))]}," + ",".join(map(str, p)))
    (folder / name / "songs.csv").write_text("\n".join(lines) + "\n")
    (folder / name / "scores.json").write_text(json.dumps({"test": {}, "folds": {}}))


def test_the_methods_are_the_params_choices():
    assert tuple(METHODS) == FUSE_METHODS


def test_mean_averages_every_run_and_stack_learns_to_read_them(tmp_path):
    runs = tmp_path / "runs"
    labels_valid, labels_test = ["a", "a", "b", "b"] * 3, ["a", "b", "a", "b"]
    honest = [[0.6, 0.4], [0.6, 0.4], [0.4, 0.6], [0.4, 0.6]] * 3
    backwards = [[0.3, 0.7], [0.3, 0.7], [0.7, 0.3], [0.7, 0.3]] * 3  # always wrong, so informative
    test_honest, test_backwards = [[0.6, 0.4], [0.4, 0.6]] * 2, [[0.3, 0.7], [0.7, 0.3]] * 2
    _run(runs, "x", honest, test_honest, labels_valid, labels_test)
    _run(runs, "y", backwards, test_backwards, labels_valid, labels_test)
    mean = fuse_runs(runs, ["x", "y"], tmp_path / "mean", seed=0, method="mean")
    assert mean["runs"] == ["x", "y"] and mean["method"] == "mean"
    rows = read_csv(tmp_path / "mean/fusion/songs.csv")
    assert float(rows[0]["p_a"]) == pytest.approx(0.45)  # (0.6 + 0.3) / 2: wrong
    assert mean["test"]["song_accuracy"] == 0.0
    stack = fuse_runs(runs, ["x", "y"], tmp_path / "stack", seed=0, method="stack")
    assert stack["valid"]["song_accuracy"] == stack["test"]["song_accuracy"] == 1.0
    info = json.loads((tmp_path / "stack/fusion/info.json").read_text())
    assert info["model"] == "fusion (stack)" and info["transform"] == "x + y"


@pytest.mark.parametrize("method", FUSE_METHODS)
def test_a_folds_combination_never_reads_that_folds_predictions(method):
    """`nested` hands `fit` every fold's songs but the one it combines for."""
    rng = np.random.default_rng(0)
    folds = np.array([f"fold{i % 3}" for i in range(30)])
    probs = rng.dirichlet([1, 1], size=(2, 30))
    truth = rng.integers(0, 2, size=30)
    seen = {}

    def spy(p, t, names, seed):
        seen[len(seen)] = p.copy()
        return METHODS[method](p, t, names, seed)

    fused, used = nested(spy, probs, truth, folds, ["x", "y"], seed=0)
    assert sorted(used) == ["fold0", "fold1", "fold2"] and fused.shape == (30, 2)
    for i, fold in enumerate(sorted(set(folds))):
        assert seen[i].shape == (2, 20, 2)  # the other two folds' 20 songs
        np.testing.assert_array_equal(seen[i], probs[:, folds != fold])


def test_kfold_selection_for_a_fold_cannot_be_won_on_that_fold(tmp_path):
    """A run perfect on fold0's songs and wrong elsewhere: chosen on the pooled predictions it
    would win fold0; nested, fold0's choice is made on folds 1 and 2, where it loses."""
    runs = tmp_path / "runs"
    labels = ["a", "b"] * 9
    folds = [f"fold{i // 6}" for i in range(18)]
    right = lambda label: [0.9, 0.1] if label == "a" else [0.1, 0.9]
    wrong = lambda label: right("b" if label == "a" else "a")
    decent = [right(label) if i % 3 else wrong(label) for i, label in enumerate(labels)]  # 2/3 right
    cheat = [right(label) if fold == "fold0" else wrong(label) for label, fold in zip(labels, folds)]
    _kfold_run(runs, "decent", decent, labels, folds)
    _kfold_run(runs, "cheat", cheat, labels, folds)
    assert greedy_selection({"decent": np.array(decent)[:6], "cheat": np.array(cheat)[:6]},
                            np.array([0, 1] * 3)) == ["cheat"]  # what fold0 alone would choose
    metrics = fuse_runs(runs, ["decent", "cheat"], tmp_path, seed=0)
    assert metrics["runs_per_fold"]["fold0"] == ["decent"]
    assert metrics["test"]["song_accuracy"] == pytest.approx(12 / 18)  # decent's, no better
    assert "folds" in metrics and metrics["method"] == "select"

