"""The smoke subset (`pytest -m smoke`), which CI also runs in a Python 3.13 environment: a tiny
project's `dvc repro` through every kind of dependency the pipeline has (librosa features and
scikit-learn, a Keras network on TensorFlow, musicnn's checkpoints on TensorFlow, basic-pitch's
network on onnxruntime), then `genrepipe predict` on a song."""

import json
import re

import pytest
import yaml

from conftest import ROOT, SCAN, TINY_CNN, run, seed_with_every_split, stages_run

pytestmark = [pytest.mark.smoke, pytest.mark.e2e]

SHIPPED = yaml.safe_load((ROOT / "params.yaml").read_text())
RUNS = {"svc-mfcc": {"model": "svc", "transform": "mfcc"},
        "cnn1d-mfcc": {"model": "cnn1d", "transform": "mfcc"},
        "svc-musicnn": {"model": "svc", "transform": "musicnn"},
        "svc-pitch": {"model": "svc", "transform": "pitch"}}
TINY = dict(sample_rate=8000, window=3, seed=seed_with_every_split(["disco", "reggae"], 3),
            dataset__demo__songs_per_genre=3, dataset__demo__duration=9,
            dataset__demo__genres=["disco", "reggae"],
            transforms={"mfcc": {"n_mfcc": 13, "n_mels": 32, "n_fft": 256, "hop_length": 128},
                        "musicnn": SHIPPED["transforms"]["musicnn"],
                        "pitch": SHIPPED["transforms"]["pitch"]},
            models={"svc": {"C": 1.0}, "cnn1d": TINY_CNN}, runs=RUNS)


def test_repro_then_predict(project):
    repo, set_params = project
    set_params(**TINY)
    result = run(["dvc", "repro"], repo)
    stages = re.findall(r"Running stage '([^']+)'", result.stdout)
    assert {"transform@musicnn", "transform@pitch", *(f"train@{name}" for name in RUNS)} <= set(stages)
    summary = (repo / "metrics/summary.md").read_text()
    for name in RUNS:
        assert f"| {name}" in summary, summary
        scores = json.loads((repo / f"metrics/runs/{name}/scores.json").read_text())
        assert scores["test"]["n_songs"] == 2
    assert stages_run(run(["dvc", "repro"], repo).stdout) == [SCAN]

    song = str(repo / "data/raw/disco/disco.00000.wav")
    for name in ("cnn1d-mfcc", "svc-musicnn", "svc-pitch"):  # tiny runs: maybe no better than chance
        predicted = json.loads(run(["genrepipe", "predict", song, "--run", name, "--json"], repo).stdout)
        assert predicted["windows"] == 3, predicted
        assert predicted["top"] in {"disco", "reggae"} and 0 < predicted["probability"] <= 1, predicted
        assert {row["class"] for row in predicted["ranking"]} == {"disco", "reggae"}, predicted
