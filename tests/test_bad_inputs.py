"""Missing or damaged inputs between stages end a stage with one line naming the file, never a
traceback, and leave no output behind."""

import subprocess
import sys

import yaml

from conftest import ROOT, make_feature_store


def _stage(script: str, *args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "stages" / script), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


def _one_line(result, stage: str, *fragments: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if f"genrepipe {stage}: error:" in line]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def _project(tmp_path, runs=None):
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["runs"] = runs or {}
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    return tmp_path


def test_missing_manifest_and_index(tmp_path):
    cwd = _project(tmp_path)
    (cwd / "raw").mkdir()
    _one_line(_stage("segment.py", "raw", "augmented", "windows", cwd=cwd), "segment",
              "raw/manifest.csv: not found; expected the song list written by the download stage")
    _one_line(_stage("transform.py", "mel", "windows", "mel", cwd=cwd), "transform",
              "windows/index.json: not found; expected the window index written by the segment stage")
    assert sorted(p.name for p in cwd.iterdir()) == ["params.yaml", "raw"]


TRAIN_ARGS = ("r", "mel", "models/r", "curves/r", "timing", "raw/manifest.csv")


def test_a_damaged_feature_file(tmp_path):
    cwd = _project(tmp_path, {"r": {"model": "svc", "transform": "mel"}})
    store = make_feature_store(cwd / "mel", (4, 6))
    victim = next(store.glob("*.npy"))
    victim.write_bytes(victim.read_bytes()[:100])  # truncated
    _one_line(_stage("train.py", *TRAIN_ARGS, cwd=cwd), "train",
              f"{victim.relative_to(cwd)}: not a readable .npy file")
    victim.unlink()
    _one_line(_stage("train.py", *TRAIN_ARGS, cwd=cwd), "train",
              f"{victim.relative_to(cwd)}: not found; re-run `dvc repro`")
    assert not (cwd / "models").exists() or not list((cwd / "models").iterdir())
