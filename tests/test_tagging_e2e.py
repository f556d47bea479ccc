"""The multi-label demo end to end, as a user runs it: `dvc exp run -S dataset.task=multilabel`
on a fresh project trains taggers on the instruments the demo rendered, and the report, the
DVC metrics and `genrepipe predict` show tags."""

import json

import pytest

from conftest import TINY_CNN, run

pytestmark = pytest.mark.e2e

MEL = {"n_mels": 16, "n_fft": 256, "hop_length": 128}


def test_the_multilabel_demo_trains_taggers_and_predict_prints_tags(project):
    repo, set_params = project
    set_params(sample_rate=8000, window=1, dataset__demo__songs_per_genre=8,
               dataset__demo__duration=3, executor={"jobs": 1},
               transforms={"mfcc": {"n_mfcc": 8, **MEL}},
               models__cnn1d={**TINY_CNN, "filters": [4], "epochs": 1, "batch_size": 8},
               runs={"svc-mfcc": {"model": "svc", "transform": "mfcc"},
                     "cnn1d-mfcc": {"model": "cnn1d", "transform": "mfcc"}})
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", "small demo"], repo)
    run(["dvc", "exp", "run", "-S", "dataset.task=multilabel"], repo)

    kept = json.loads((repo / "data/raw/tags.json").read_text())
    assert "drums" in kept["tags"] and kept["dropped"]  # some instruments miss a split
    summary = (repo / "metrics/summary.md").read_text()
    assert "# Results (multi-label tagging)" in summary
    per_tag = summary.split("tag by tag")[1]
    for tag in kept["tags"]:  # ROC-AUC and PR-AUC with intervals, every kept tag
        line = next(line for line in per_tag.splitlines() if line.startswith(f"| {tag} |"))
        assert line.count("[") == 2, line
    headline = json.loads((repo / "metrics/headline.json").read_text())
    assert set(headline) == {"fusion_valid", "fusion_test", "best_valid", "best_test", "best_run",
                             "unknown_test"}
    run_metrics = json.loads((repo / "metrics/runs/svc-mfcc.json").read_text())
    assert set(run_metrics) == {"valid_macro_roc_auc", "test_macro_roc_auc"}
    shown = run(["dvc", "metrics", "show"], repo, env_extra={"COLUMNS": "160"}).stdout
    assert "valid_macro_roc_auc" in shown and "fusion_valid" in shown

    listed = run(["genrepipe", "list"], repo).stdout
    assert "macro ROC-AUC" in listed.split("Trained runs")[1]

    wav = sorted((repo / "data/raw").rglob("*.wav"))[0]
    printed = run(["genrepipe", "predict", "--run", "svc-mfcc", str(wav)], repo).stdout
    assert "tags: " in printed and "threshold" in printed
    scores = json.loads((repo / "metrics/runs/svc-mfcc/scores.json").read_text())
    first = printed.splitlines()[3].split()  # "1. <tag> <probability> <threshold> [yes]"
    assert first[3] == f"{scores['thresholds'][first[1]]:.1%}"
