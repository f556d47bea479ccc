"""bench/folder_kfold.py: the params of the scratch clone."""

import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from folder_kfold import configure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def test_configure_keeps_the_chosen_runs_and_their_transforms_only():
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    out = configure(params, Path("/music"), 4, ["svc-mfcc", "musicnn-ft"],
                    ["models.cnn2d.epochs=50", "models.svc.gamma=auto"])
    assert out["dataset"]["source"] == "folder" and out["dataset"]["path"] == "/music"
    assert out["dataset"]["split"] == "kfold" and out["dataset"]["folds"] == 4
    assert list(out["runs"]) == ["svc-mfcc", "musicnn-ft"]
    assert set(out["transforms"]) == {"mfcc", "musicnn_mel"}
    assert out["models"]["cnn2d"]["epochs"] == 50 and out["models"]["svc"]["gamma"] == "auto"


def test_an_unknown_run_is_refused_with_the_known_ones():
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    with pytest.raises(SystemExit, match="unknown run.*nope.*expected some of: svc-fft"):
        configure(params, Path("/music"), 5, ["nope"], [])
