"""Every error a user can see (a bad params value, a missing or damaged input between stages, a
bad `genrepipe` command) ends the stage or command with one line naming the parameter or file,
never a traceback, and leaves no output behind: one table of cases, one check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, make_feature_store, tone

RUN = {"r": {"model": "svc", "transform": "mel"}}
EMBEDDING = {"e": {"model": "nope.keras", "layer": "x"}}
Step = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """A command run in a tiny project built by `setup`, and the one error line it must print."""

    id: str
    command: tuple[str, ...]  # a stage script (`segment.py ...`) or `genrepipe ...`
    error: str  # in the one line with "error:"
    setup: tuple[Step, ...] = ()
    code: int = 1  # argparse's usage errors, and predict's errors: 2
    trained: bool = False  # a trained run copied to models/r first
    program: str = ""  # who prints the error (default: `genrepipe <stage>`, or `genrepipe`)

    def argv(self) -> list[str]:
        """The command as a user runs it (a stage as dvc.yaml runs it)."""
        if self.command[0] == "genrepipe":
            return [sys.executable, "-m", "genrepipe.cli", *self.command[1:]]
        return [sys.executable, str(ROOT / "stages" / self.command[0]), *self.command[1:]]

    def prefix(self) -> str:
        """How the error line starts: `genrepipe <stage>: error:`, or the command's."""
        program = self.program or ("genrepipe" if self.command[0] == "genrepipe" else
                                   f"genrepipe {self.command[0].removesuffix('.py')}")
        return f"{program}: error: "


# ---- steps that build the project a case runs in -------------------------------------------

def params(runs=None, embeddings=None, **changes) -> Step:
    """The shipped params.yaml with `runs`, `embeddings` and dotted changes
    (`transforms__mel__n_mels=0`)."""
    def step(cwd: Path) -> None:
        tree = yaml.safe_load((ROOT / "params.yaml").read_text())
        tree.update(runs=runs or {}, embeddings=embeddings or {})
        for dotted, value in changes.items():
            *parents, last = dotted.split("__")
            node = tree
            for key in parents:
                node = node[key]
            node[last] = value
        (cwd / "params.yaml").write_text(yaml.safe_dump(tree))
    return step


def raw_songs(cwd: Path) -> None:
    """raw/ as the download stage writes it (two songs and their manifest), and an empty
    augmented/ (augment.copies: 0)."""
    from genrepipe.audio.decode import write_wav
    from genrepipe.core.store import write_csv
    from genrepipe.dataset.songs import MANIFEST_COLUMNS

    rows = []
    for i, label in enumerate(("a", "b")):
        (cwd / "raw" / label).mkdir(parents=True)
        write_wav(cwd / "raw" / label / f"{label}.00000.wav", tone(220.0 * (i + 1), 2.0), 8000)
        rows.append({"song_id": f"{label}.00000", "label": label, "split": "train",
                     "group": f"{label}.00000", "path": f"{label}/{label}.00000.wav",
                     "duration_s": "2.0", "source": "demo:seed=0", "md5": "0"})
    write_csv(cwd / "raw/manifest.csv", MANIFEST_COLUMNS, rows)
    (cwd / "augmented").mkdir()
    write_csv(cwd / "augmented/manifest.csv", ("song_id", "label", "split", "path"), [])


def windows(cwd: Path) -> None:
    """data/windows: 1 s windows at 8 kHz, one a song."""
    make_feature_store(cwd / "windows", (8000,), songs_per_split={"train": 1, "valid": 1},
                       n_windows=(1, 1), name="windows")


def mel(cwd: Path) -> None:
    """data/features/mel: a tiny learnable feature store."""
    make_feature_store(cwd / "mel", (4, 6))


def folder(*names: str) -> Step:
    def step(cwd: Path) -> None:
        for name in names:
            (cwd / name).mkdir(parents=True)
    return step


def write(path: str, text: str) -> Step:
    def step(cwd: Path) -> None:
        (cwd / path).parent.mkdir(parents=True, exist_ok=True)
        (cwd / path).write_text(text)
    return step


def cut(path: str, keep: int) -> Step:
    """The file at `path` cut off after `keep` bytes, as a killed writer leaves it."""
    def step(cwd: Path) -> None:
        (cwd / path).write_bytes((cwd / path).read_bytes()[:keep])
    return step


def remove(path: str) -> Step:
    return lambda cwd: (cwd / path).unlink()


# ---- the table ----------------------------------------------------------------------------

TRAIN = ("train.py", "r", "mel", "models/r", "curves/r", "timing", "raw/manifest.csv")
EVALUATE = ("evaluate.py", "r", "models/r", "mel", "metrics/runs")
FUSE = ("fuse.py", "metrics/runs", "metrics", "models/fusion")
REPORT = ("report.py", "metrics/runs", "metrics", "metrics/summary.md", "metrics/summary.png",
          "metrics/headline.json", "metrics/train", "metrics/plots/curves.json",
          "metrics/plots/reliability.json")
SEGMENT = ("segment.py", "raw", "augmented", "windows")

CASES = [
    # a bad params value, one a stage (every stage checks all of params.yaml first)
    Case("download-bad-param", ("download.py", "raw"), "params.yaml: dataset.source='nope' ",
         (params(dataset__source="nope"),)),
    Case("augment-bad-param", ("augment.py", "raw", "augmented"), "params.yaml: augment.copies=-1 ",
         (params(augment__copies=-1),)),
    Case("segment-bad-param", SEGMENT, "params.yaml: window=0 is out of range", (params(window=0),)),
    Case("transform-bad-param", ("transform.py", "mel", "windows", "mel"),
         "params.yaml: transforms.mel.n_mels=0 is out of range", (params(transforms__mel__n_mels=0),)),
    Case("transform-unknown-name", ("transform.py", "cqt", "windows", "cqt"),
         "command line: transform='cqt' is not a transform of params.yaml; expected one of: fft",
         (params(),)),
    Case("train-bad-param", TRAIN, "params.yaml: models.svc.C=0 is out of range",
         (params(RUN, models__svc__C=0),)),
    Case("train-unknown-run", ("train.py", "nope", *TRAIN[2:]),
         "command line: run='nope' is not a run of params.yaml; expected one of: r", (params(RUN),)),
    Case("evaluate-bad-param", EVALUATE, "params.yaml: seed='x' ", (params(RUN, seed="x"),)),
    Case("fuse-no-runs", FUSE, "params.yaml: runs={} is empty; expected at least one run to fuse",
         (params(),)),
    Case("report-no-runs", REPORT, "params.yaml: runs={} is empty; expected at least one run to "
         "report", (params(),)),
    Case("embed-unknown-name", ("embed.py", "e", "windows", "e"),
         "command line: embedding='e' is not an embedding of params.yaml; expected one of: (none)",
         (params(),)),
    Case("embed-bad-model", ("embed.py", "e", "windows", "e"), "params.yaml: embeddings.e.model=",
         (params(embeddings=EMBEDDING), windows)),
    # a missing or damaged input, one or two a stage
    Case("download-missing-folder", ("download.py", "raw"), "dataset.path='music': not a folder",
         (params(dataset__source="folder", dataset__path="music"),)),
    Case("download-undecodable-songs", ("download.py", "raw"),
         "dataset.source='folder': no usable song (2 file(s) skipped, first ",
         (params(dataset__source="folder", dataset__path="music"), write("music/a/x.wav", "RIFF"),
          write("music/b/y.wav", "RIFF"))),
    Case("augment-missing-manifest", ("augment.py", "raw", "augmented"),
         "raw/manifest.csv: not found; expected the song list written by the download stage",
         (params(), folder("raw"))),
    Case("augment-cut-manifest", ("augment.py", "raw", "augmented"),
         "raw/manifest.csv: line 3 does not have the header's 8 fields (cut off?)",
         (params(), raw_songs, cut("raw/manifest.csv", 120))),
    Case("segment-missing-manifest", SEGMENT,
         "raw/manifest.csv: not found; expected the song list written by the download stage",
         (params(), folder("raw"))),
    Case("segment-empty-manifest", SEGMENT, "raw/manifest.csv: no column song_id, label, split, "
         "path (empty or cut off?)", (params(), raw_songs, cut("raw/manifest.csv", 0))),
    Case("segment-cut-song", SEGMENT, "raw/a/a.00000.wav: cut off (1000 bytes, its header says 32044)",
         (params(), raw_songs, cut("raw/a/a.00000.wav", 1000))),
    Case("segment-missing-song", SEGMENT, "raw/b/b.00000.wav: not found",
         (params(), raw_songs, remove("raw/b/b.00000.wav"))),
    Case("transform-missing-index", ("transform.py", "mel", "windows", "mel"),
         "windows/index.json: not found; expected the window index written by the segment stage",
         (params(), folder("windows"))),
    Case("transform-cut-windows", ("transform.py", "fft", "windows", "fft"),
         "windows/a.train0.npy: not a readable .npy file", (params(), windows,
                                                            cut("windows/a.train0.npy", 100))),
    Case("train-cut-features", TRAIN, "mel/a.train0.npy: not a readable .npy file",
         (params(RUN), mel, raw_songs, cut("mel/a.train0.npy", 100))),
    Case("train-missing-features", TRAIN, "mel/a.train0.npy: not found; re-run `dvc repro`",
         (params(RUN), mel, raw_songs, remove("mel/a.train0.npy"))),
    Case("train-missing-manifest", TRAIN,
         "raw/manifest.csv: not found; expected the download stage's manifest", (params(RUN), mel)),
    Case("evaluate-missing-model", EVALUATE, "models/r: not a trained run (no meta.json)",
         (params(RUN), mel)),
    Case("evaluate-cut-meta", EVALUATE, "models/r/meta.json: not valid JSON",
         (params(RUN), mel, write("models/r/meta.json", '{"run": "r", "mod'))),
    Case("fuse-missing-scores", FUSE, "metrics/runs/r/scores.json: not found; expected the scores "
         "of run 'r'", (params(RUN),)),
    Case("report-cut-scores", REPORT, "metrics/runs/r/scores.json: not valid JSON",
         (params(RUN), write("metrics/runs/r/scores.json", '{"test": {"song_acc'))),
    # genrepipe predict and repair
    # (a missing or undecodable song is skipped, not an error: tests/test_predict.py)
    Case("predict-not-a-project", ("genrepipe", "predict", "song.wav"),
         ": not a genrepipe project (no params.yaml, no trained runs in models/)", code=2),
    Case("predict-bad-run", ("genrepipe", "predict", "--run", "nope", "song.wav"),
         "command line: --run='nope' has no model folder (models/nope); expected one of: r",
         (params(RUN), folder("models/r")), code=2),
    Case("predict-bad-top", ("genrepipe", "predict", "--top", "0", "song.wav"),
         "command line: --top=0 is out of range; expected an integer >= 1", code=2),
    Case("predict-no-songs", ("genrepipe", "predict", "--model-dir", "models/r", "empty"),
         "empty: no audio files (folders are searched recursively", (folder("empty"),), code=2),
    Case("predict-top-not-a-number", ("genrepipe", "predict", "--top", "x", "song.wav"),
         "argument --top: invalid int value: 'x'", code=2, program="genrepipe predict"),
    Case("repair-a-path", ("genrepipe", "repair", "data"), "unrecognized arguments: data", code=2),
    Case("repair-not-a-project", ("genrepipe", "repair"),
         ": not a genrepipe project (no dvc.yaml, dvc.lock or .dvc/); run `genrepipe repair` in "
         "the project folder"),
]


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory) -> Path:
    """A tiny svc run on the mel features of `mel`."""
    from genrepipe.config.params import validate

    from conftest import train_stage

    root = tmp_path_factory.mktemp("trained")
    raw = yaml.safe_load((ROOT / "params.yaml").read_text())
    raw["runs"] = RUN
    mel(root)
    train_stage("r", validate(raw), root / "mel", root / "models/r", root / "curves/r")
    return root / "models/r"


def files(root: Path) -> list[str]:
    """Every file under `root` (empty folders left out: a stage may create an output's parent)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if not p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_one_error_line(case, tmp_path, request):
    """Exit status 1 (2: a usage error), one error line saying `case.error`, no traceback, no
    file written."""
    if case.trained:
        shutil.copytree(request.getfixturevalue("trained_run"), tmp_path / "models/r")
    for step in case.setup:
        step(tmp_path)
    before = files(tmp_path)
    result = subprocess.run(case.argv(), cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == case.code, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(case.prefix()) and case.error in lines[0], lines[0]
    assert files(tmp_path) == before  # nothing written, not even part of an output
