"""A tiny genrepipe project in a scratch clone of the committed HEAD, and what the fault suite
reads from it: its outputs' bytes, the files a user put there, how long each stage takes.

Every stage kind of the default DAG runs (download, augment, segment, two transforms, a
scikit-learn and a Keras train, their evaluations, fuse, report) on 2 genres x 3 songs of 12 s
at 8 kHz, so that one whole `dvc repro` takes well under a minute.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from tiny import TINY_CNN, seed_with_every_split  # noqa: E402 (the tests' tiny settings)

BIN = Path(sys.executable).parent
GENRES = ["disco", "reggae"]
SONGS_PER_GENRE = 3
# files a user keeps in the project next to the pipeline's: no fault may touch them
USER_FILES = {"notes.txt": "my notes\n", "data/notes.txt": "where the songs came from\n",
              "models/notes.txt": "which model I liked\n"}
OUTPUT_ROOTS = ("data", "models", "metrics")
UNTRACKED = ("metrics/timing",)  # training times: time-dependent, not a DVC output


def tiny_params(params: dict) -> dict:
    """params.yaml of the demo configuration: small songs, two transforms, two runs."""
    params.update(seed=seed_with_every_split(GENRES, SONGS_PER_GENRE), sample_rate=8000, window=3)
    params["dataset"]["demo"].update(songs_per_genre=SONGS_PER_GENRE, duration=12, genres=GENRES)
    params["augment"]["copies"] = 1  # the augment stage writes songs too
    params["transforms"] = {
        "mfcc": {"n_mfcc": 13, "n_mels": 32, "n_fft": 256, "hop_length": 128},
        "mel": {"n_mels": 32, "n_fft": 256, "hop_length": 128}}
    params["models"]["svc"]["C"] = 1.0
    params["models"]["cnn2d"].update(TINY_CNN)
    params["runs"] = {"svc-mfcc": {"model": "svc", "transform": "mfcc"},
                      "cnn2d-mel": {"model": "cnn2d", "transform": "mel"}}
    return params


def md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Project:
    """A scratch genrepipe project (a git clone with DVC) and how to run DVC in it."""

    path: Path
    env: dict = field(init=False)

    def __post_init__(self) -> None:
        self.env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
                    "PYTHONPATH": str(self.path / "src"), "DVC_NO_ANALYTICS": "1"}

    @classmethod
    def tiny(cls, path: Path) -> Project:
        """Clone the project's HEAD to `path` and commit the tiny configuration there."""
        if path.exists():
            shutil.rmtree(path)
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(path)], check=True)
        project = cls(path)
        params = yaml.safe_load((path / "params.yaml").read_text())
        (path / "params.yaml").write_text(yaml.safe_dump(tiny_params(params), sort_keys=False))
        project.git("rm", "--quiet", "dvc.lock")  # the shipped runs' entries: not this pipeline's
        project.git("commit", "--quiet", "-am", "fault suite: tiny demo configuration")
        return project

    @classmethod
    def clone(cls, source: Project, path: Path) -> Project:
        """Another clone of `source`'s committed HEAD (its own DVC cache and run cache)."""
        if path.exists():
            shutil.rmtree(path)
        subprocess.run(["git", "clone", "--quiet", str(source.path), str(path)], check=True)
        return cls(path)

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.path, check=True, text=True,
                              capture_output=True,
                              env={**self.env, "GIT_AUTHOR_NAME": "faults", "GIT_COMMITTER_NAME": "faults",
                                   "GIT_AUTHOR_EMAIL": "faults@example.com",
                                   "GIT_COMMITTER_EMAIL": "faults@example.com"}).stdout

    def dvc(self, *args: str, timeout: float = 900, check: bool = False
            ) -> subprocess.CompletedProcess:
        result = subprocess.run([str(BIN / "dvc"), *args], cwd=self.path, env=self.env, text=True,
                                capture_output=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"dvc {' '.join(args)} failed in {self.path} "
                               f"({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def repair(self) -> list[str]:
        """`genrepipe repair`: the DVC files it removed (none when DVC could read them)."""
        result = subprocess.run([str(BIN / "genrepipe"), "repair"], cwd=self.path, env=self.env,
                                text=True, capture_output=True, check=True)
        return [line for line in result.stdout.splitlines() if "nothing to repair" not in line]

    def start(self, *args: str) -> Running:
        """`dvc <args>` in its own process group, its output read line by line."""
        proc = subprocess.Popen([str(BIN / "dvc"), *args], cwd=self.path, env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        return Running(proc)

    def hashes(self) -> dict[str, str]:
        """md5 of dvc.lock and of every file under data/, models/ and metrics/ (leftovers such
        as `.partial` folders included; the untracked training times and the user's files
        excluded)."""
        found = {"dvc.lock": md5(self.path / "dvc.lock")}
        for top in OUTPUT_ROOTS:
            for folder, dirs, files in os.walk(self.path / top):
                rel = Path(folder).relative_to(self.path).as_posix()
                dirs[:] = [d for d in dirs if f"{rel}/{d}" not in UNTRACKED]
                found.update({f"{rel}/{name}": md5(Path(folder) / name) for name in files
                              if f"{rel}/{name}" not in USER_FILES})
        return found

    def place_user_files(self) -> None:
        for rel, text in USER_FILES.items():
            (self.path / rel).write_text(text)

    def lost_user_files(self) -> list[str]:
        """User files gone or changed, and committed files changed (`git status`)."""
        lost = [rel for rel, text in USER_FILES.items()
                if not (self.path / rel).is_file() or (self.path / rel).read_text() != text]
        changed = [line[3:] for line in self.git("status", "--porcelain").splitlines()
                   if not line.startswith("??")]
        return lost + changed

    def stage_outputs(self) -> dict[str, list[str]]:
        """Each stage's outputs, from dvc.lock."""
        lock = yaml.safe_load((self.path / "dvc.lock").read_text())
        return {name: [out["path"] for out in stage.get("outs", [])]
                for name, stage in lock["stages"].items()}


RUNNING = re.compile(r"Running stage '([^']+)'")


class Running:
    """A DVC command running in its own process group; `started[stage]` is set (monotonic
    time) when DVC prints that it runs the stage."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.started: dict[str, float] = {}
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.changed = threading.Condition()
        self.readers = [threading.Thread(target=self._read, args=(proc.stdout, self.stdout), daemon=True),
                        threading.Thread(target=self._read, args=(proc.stderr, self.stderr), daemon=True)]
        for reader in self.readers:
            reader.start()

    def _read(self, stream, lines: list[str]) -> None:
        for line in stream:
            now = time.monotonic()
            with self.changed:
                lines.append(line.rstrip("\n"))
                if match := RUNNING.search(line):
                    self.started.setdefault(match.group(1), now)
                self.changed.notify_all()

    def wait_for_stage(self, stage: str, timeout: float) -> float | None:
        """When `stage` started, or None if the command ended (or timed out) first."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while stage not in self.started:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    return None
                self.changed.wait(0.05)
            return self.started[stage]

    def kill(self) -> bool:
        """SIGKILL the whole process group; False if the command had already ended."""
        if self.proc.poll() is not None:
            return False
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.wait()
        return True

    def wait(self, timeout: float | None = None) -> int:
        code = self.proc.wait(timeout)
        for reader in self.readers:
            reader.join(5)
        return code
