"""Shared fixtures: generated signals, the shipped params, and a copy of the project for e2e runs."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from genrepipe.pipeline.scan import ADDRESS

from tiny import TINY_CNN, seed_with_every_split  # noqa: F401 (shared with the tests)

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = str(Path(sys.executable).parent)
PROJECT_FILES = ("dvc.yaml", "data/dvc.yaml", "params.yaml", "stages", "src", "data/input", "plots",
                 ".dvcignore", ".gitignore")


@pytest.fixture
def raw_params() -> dict:
    """The shipped params.yaml as a plain dict, to modify per test."""
    return copy.deepcopy(yaml.safe_load((ROOT / "params.yaml").read_text()))


def tone(freq: float = 440.0, seconds: float = 1.0, sr: int = 8000, amplitude: float = 0.5,
         channels: int = 1) -> np.ndarray:
    """A sine with a little noise; shape (n,) or (n, channels)."""
    t = np.arange(int(seconds * sr)) / sr
    rng = np.random.default_rng(int(freq))
    y = amplitude * np.sin(2 * np.pi * freq * t) + 0.01 * rng.standard_normal(t.size)
    y = y.astype(np.float32)
    return np.stack([y] * channels, axis=1) if channels > 1 else y


def run(cmd: list[str], cwd: Path, check: bool = True, env_extra: dict | None = None,
        **kwargs) -> subprocess.CompletedProcess:
    """Run a command with the project's venv first on PATH, as `make` does."""
    env = {**os.environ, "PATH": VENV_BIN + os.pathsep + os.environ["PATH"], **(env_extra or {})}
    result = subprocess.run(cmd, cwd=cwd, env=env, text=True, capture_output=True, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


# Stage scan (in data/dvc.yaml) lists the song folder at every `dvc repro` (always_changed): an
# up-to-date pipeline is one where it is the only stage `dvc status` names and `dvc repro` runs.
SCAN = ADDRESS
UP_TO_DATE = {SCAN: ["always changed"]}


def stages_run(output: str) -> list[str]:
    """The stages a `dvc repro` ran, from its output, in order."""
    return re.findall(r"Running stage '([^']+)'", output)


def up_to_date(repo: Path) -> bool:
    """`dvc status` names no stage but the always-run scan."""
    return json.loads(run(["dvc", "status", "--json"], repo).stdout) == UP_TO_DATE


@pytest.fixture
def project(tmp_path: Path):
    """A copy of the project in a fresh git repo with DVC initialised, and a params editor."""
    return make_project(tmp_path)


def make_project(tmp_path: Path):
    """A copy of the project under `tmp_path/repo` (git and DVC initialised), and a function
    that changes its params.yaml (`set_params(window=5, dataset__source="folder")`)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    run(["git", "init", "-q"], repo)
    run(["git", "config", "user.email", "test@example.com"], repo)
    run(["git", "config", "user.name", "genrepipe tests"], repo)
    run(["dvc", "init", "-q"], repo)
    run(["dvc", "config", "core.analytics", "false"], repo)
    run(["dvc", "config", "cache.type", "hardlink,copy"], repo)
    # the project's plot template and offline page (`dvc init` made a fresh .dvc/)
    shutil.copytree(ROOT / ".dvc/plots", repo / ".dvc/plots")
    run(["dvc", "config", "plots.html_template", "../plots/page.html"], repo)

    def set_params(**changes):
        params = yaml.safe_load((repo / "params.yaml").read_text())
        for dotted, value in changes.items():
            node = params
            *parents, last = dotted.split("__")
            for key in parents:
                node = node[key]
            node[last] = value
        (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))

    return repo, set_params


def one_epoch(sequence) -> list:
    """Every batch of a loader's epoch, in order, then its epoch end (as Keras calls it)."""
    batches = [sequence[i] for i in range(len(sequence))]
    sequence.on_epoch_end()
    return batches


def make_feature_store(folder: Path, window_shape: tuple[int, ...], classes=("a", "b", "c"),
                       songs_per_split=None, n_windows=(3, 5), name: str = "mel", seed: int = 0) -> Path:
    """Write a tiny transform output (index.json + per-song .npy) whose classes are learnable:
    each class shifts a different band up."""
    songs_per_split = songs_per_split or {"train": 4, "valid": 2, "test": 2}
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    rows = []
    for c, label in enumerate(classes):
        for split, count in songs_per_split.items():
            for i in range(count):
                song_id = f"{label}.{split}{i}"
                n = int(rng.integers(n_windows[0], n_windows[1] + 1))
                x = rng.normal(0, 1, size=(n, *window_shape)).astype(np.float32)
                x[:, c % window_shape[0]] += 3.0
                np.save(folder / f"{song_id}.npy", x)
                rows.append({"song_id": song_id, "label": label, "split": split, "n_windows": n})
    index = {"transform": name, "params": {}, "dtype": "float32", "shape": list(window_shape),
             "sample_rate": 8000, "window": 1.0, "hop": 1.0, "window_samples": 8000,
             "hop_samples": 8000, "songs": rows, "skipped": []}
    (folder / "index.json").write_text(json.dumps(index))
    return folder


# The stage bodies take the params they read; these helpers pass them from a validated params
# tree exactly as the scripts in stages/ do.

def download_stage(params, out_dir, **kwargs):
    from genrepipe.pipeline.download import download

    return download(out_dir, dataset=params.dataset, sample_rate=params.sample_rate,
                    seed=params.seed, **kwargs)


def segment_stage(params, raw_dir, out_dir, **kwargs):
    """The augment stage (into `<out_dir>-augmented`), then the segment stage."""
    from genrepipe.config.params import hop_seconds
    from genrepipe.pipeline.augment import augment_all
    from genrepipe.pipeline.segment import segment_all

    augmented = Path(f"{out_dir}-augmented")
    augment_all(raw_dir, augmented, augment=params.augment, seed=params.seed, **kwargs)
    return segment_all(raw_dir, augmented, out_dir, sample_rate=params.sample_rate,
                       window=params.window, hop=hop_seconds(params.window, params.hop),
                       short=params.segment.short, **kwargs)


def transform_stage(name, params, windows_dir, out_dir, **kwargs):
    from genrepipe.pipeline.transform import transform_all

    return transform_all(name, params.transforms[name], windows_dir, out_dir, **kwargs)


def train_stage(name, params, features_dir, out_dir, curves_dir, timing_dir=None, manifest=None,
                **threads):
    from genrepipe.models.run import RunSpec, Threads, TrainPaths
    from genrepipe.pipeline.train import train_run

    return train_run(RunSpec.from_params(params, name),
                     TrainPaths(features_dir, out_dir, curves_dir, timing_dir, manifest), Threads(**threads))


def complete_settings(model: str, **settings):
    """A model's settings as the params check completes them (its spec's defaults filled in):
    what the builders are given."""
    from genrepipe.models.registry import MODELS

    return MODELS[model].spec.check(f"models.{model}", settings)
