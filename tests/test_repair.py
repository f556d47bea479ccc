"""`genrepipe repair` removes exactly the dvc.lock and rwlock files DVC cannot read (what a kill
while DVC rewrites them in place leaves, found by `make faults`), and killed stages' `.partial`
folders when no stage runs; nothing else."""

import json
import os

import pytest
from dvc.exceptions import DvcException
from dvc.schema import COMPILED_LOCKFILE_SCHEMA
from dvc.utils.strictyaml import load

from genrepipe.cli import main
from genrepipe.core.repair import LOCK, RWLOCK, repair
from genrepipe.core.workspace import RUNNING_DIR

LOCK_TEXT = """schema: '2.0'
stages:
  segment:
    cmd: python stages/segment.py data/raw data/windows
    deps:
    - path: data/raw
      hash: md5
      md5: 0c3b2f2a9f07a4c3f8c8a0c1c1a1b2c3.dir
      size: 1152264
      nfiles: 6
    params:
      params.yaml:
        window: 3
    outs:
    - path: data/windows
      hash: md5
      md5: 5d41402abc4b2a76b9719d911017c592.dir
      size: 2304768
      nfiles: 7
"""


def dvc_reads(path) -> bool:
    try:
        load(str(path), COMPILED_LOCKFILE_SCHEMA)
        return True
    except DvcException:
        return False


def test_every_cut_off_lock_dvc_cannot_read_is_removed_and_no_other(tmp_path):
    (tmp_path / LOCK).write_text(LOCK_TEXT)
    assert dvc_reads(tmp_path / LOCK)
    removed = kept = 0
    for end in range(len(LOCK_TEXT)):
        (tmp_path / LOCK).write_text(LOCK_TEXT[:end])
        readable = dvc_reads(tmp_path / LOCK)
        lines = repair(tmp_path)
        assert (tmp_path / LOCK).exists() == readable
        assert bool(lines) == (not readable)
        removed += not readable
        kept += readable
    assert removed > 100 and kept > 0  # most prefixes are unreadable; a few are whole entries


def test_stage_scans_lock_file_is_repaired_too(tmp_path):
    """data/dvc.lock (data/dvc.yaml's stage scan, rewritten at every `dvc repro`): cut off, it goes;
    dvc.lock, readable, stays."""
    (tmp_path / "data").mkdir()
    (tmp_path / LOCK).write_text(LOCK_TEXT)
    (tmp_path / "data/dvc.lock").write_text(LOCK_TEXT[:LOCK_TEXT.index("- path: data/windows") + 7])
    [line] = repair(tmp_path)
    assert line.startswith("data/dvc.lock: incomplete")
    assert line.endswith("(or `git checkout data/dvc.lock`)")
    assert not (tmp_path / "data/dvc.lock").exists() and (tmp_path / LOCK).read_text() == LOCK_TEXT


def test_a_damaged_rwlock_is_removed_a_readable_one_kept(tmp_path):
    (tmp_path / RWLOCK).parent.mkdir(parents=True)
    good = json.dumps({"read": {}, "write": {"data/raw": {"pid": 1, "cmd": "dvc repro"}}})
    (tmp_path / RWLOCK).write_text(good)
    assert repair(tmp_path) == [] and (tmp_path / RWLOCK).read_text() == good
    (tmp_path / RWLOCK).write_text(good[:17])
    [line] = repair(tmp_path)
    assert line.startswith(".dvc/tmp/rwlock: not JSON (Unterminated string")
    assert line.endswith("), removed (it only lists running DVC commands)")
    assert not (tmp_path / RWLOCK).exists()


@pytest.mark.parametrize("damaged", [True, False])
def test_the_command_prints_one_line_per_file(damaged, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    cut = LOCK_TEXT.index("- path: data/windows") + len("- path:")  # an output without its path
    (tmp_path / LOCK).write_text(LOCK_TEXT[:cut] if damaged else LOCK_TEXT)
    assert main(["repair"]) == 0
    out = capsys.readouterr().out.splitlines()
    if damaged:
        assert out == ["genrepipe repair: dvc.lock: incomplete (cut off while DVC wrote it?), "
                       "removed; `dvc repro` restores the stages that already ran from DVC's run "
                       "cache (or `git checkout dvc.lock`)"]
    else:
        assert out == ["genrepipe repair: nothing to repair: DVC can read dvc.lock and its rwlock, "
                       "no .partial folder"]
        assert (tmp_path / LOCK).read_text() == LOCK_TEXT


def test_partial_folders_are_removed_only_when_no_stage_runs(tmp_path):
    partial = tmp_path / "data" / "windows.partial"
    (partial / "sub").mkdir(parents=True)
    (partial / "sub" / "a.npy").write_bytes(b"half")
    (tmp_path / "data" / "windows").mkdir()  # a finished output: never touched
    running = tmp_path / RUNNING_DIR
    running.mkdir(parents=True)
    (running / str(os.getpid())).touch()  # a live stage (this process)
    assert repair(tmp_path) == ["1 .partial folder(s) left: a stage is running now"]
    assert partial.is_dir()
    (running / str(os.getpid())).unlink()
    assert repair(tmp_path) == ["data/windows.partial: a killed stage's unfinished output, removed"]
    assert not partial.exists() and (tmp_path / "data" / "windows").is_dir()
