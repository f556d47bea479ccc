"""`make lock-check` (tools/locks.py): every lock resolves, wheels only, for every Python and
platform of the supported matrix, and a pin without a wheel for one of them fails naming both.
Asks the package registry (PyPI): skipped, saying so, where it does not answer."""

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import locks  # noqa: E402

pytestmark = pytest.mark.registry


def _registry_answers() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module", autouse=True)
def registry():
    if not _registry_answers():
        pytest.skip("the package registry (pypi.org) does not answer")


def check(*lock: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools/locks.py"), "check", *map(str, lock)],
                          capture_output=True, text=True, timeout=600)


def _entry(name: str) -> str:
    """requirements.lock's entry for `name`: its pin and its hashes, marker dropped."""
    line = next(line for line in locks.entries(ROOT / "requirements.lock") if line.startswith(f"{name}=="))
    spec, _, hashes = line.partition(" --hash")
    return f"{spec.split(';')[0].strip()} --hash{hashes}\n"


def test_a_pin_without_an_aarch64_wheel_fails_naming_it_and_the_platform(tmp_path):
    """tensorflow-cpu 2.21.0 has wheels for Linux x86-64 only: pinned for every platform (its
    marker dropped), it passes there and fails on aarch64 and macOS, for every Python."""
    lock = tmp_path / "scratch.lock"
    lock.write_text(_entry("tensorflow-cpu"))
    result = check(lock)
    assert result.returncode == 1, result.stdout + result.stderr
    failures = [line for line in result.stderr.splitlines() if line.startswith("lock-check: ")]
    for python in locks.PYTHONS:
        for platform in ("manylinux aarch64", "macOS arm64"):
            assert (f"lock-check: scratch.lock: Python {python} on {platform}: "
                    "no wheel for tensorflow-cpu==2.21.0") in failures, result.stderr
    assert len(failures) == 2 * len(locks.PYTHONS), result.stderr  # x86-64 passes
    assert "lock-check: FAILED" in result.stdout


def test_a_lock_without_the_hash_of_a_platforms_wheel_fails(tmp_path):
    """pip takes only a wheel whose hash the lock lists: one hash short is a missing wheel."""
    spec, _, hashes = _entry("onnxruntime").partition(" --hash")
    kept = hashes.split(" --hash")[0]
    failures = []
    for target in locks.MATRIX[:3]:  # one Python's three platforms: the one wheel left fits at most one
        lock = tmp_path / "one-hash.lock"
        lock.write_text(f"{spec} --hash{kept}\n")
        failures.append(locks.pip_check(lock, target, tmp_path))
    failed = [failure for failure in failures if failure is not None]
    assert len(failed) >= 2, failures
    assert all(re.search(r": the lock has no hash of onnxruntime-1\.32\.0-cp311-\S+\.whl "
                         r"\(the file pip takes for onnxruntime==1\.32\.0\)$", f) for f in failed), failed


def test_the_real_locks_pass_for_python_3_13_on_macos_arm64(tmp_path):
    """Python 3.13 on macOS arm64 (other wheels, other markers): the whole matrix is `make
    lock-check`, which CI runs before `make test` (84 s of the suite's 15 minutes when it ran here
    too)."""
    targets = [t for t in locks.MATRIX if (t.python, t.machine) == ("3.13", "arm64")]
    assert len(targets) == 1, locks.MATRIX
    for name in locks.LOCKS:
        for target in targets:
            assert locks.pip_check(ROOT / name, target, tmp_path) is None, (name, target)


def test_markers_pick_each_platforms_tensorflow():
    """The universal lock gives tensorflow-cpu to Linux x86-64 only, tensorflow elsewhere, and
    Python 3.13's replacements of the removed audio modules to 3.13 only."""
    for target in locks.MATRIX:
        names = {line.split("==")[0] for line in locks.for_target(ROOT / "requirements.lock", target)}
        linux_x86 = target.sys_platform == "linux" and target.machine == "x86_64"
        assert ("tensorflow-cpu" in names, "tensorflow" in names) == (linux_x86, not linux_x86), target
        assert ("audioop-lts" in names) == (target.python == "3.13"), target
