"""The hashed locks and their check over the supported matrix (`make lock`, `make lock-check`).

`python tools/locks.py check [LOCK ...]` resolves every lock (default: requirements.lock and
requirements-test.lock) for every Python and platform of MATRIX the way pip would there: the
lock's environment markers evaluated for that target, then `pip install --dry-run
--only-binary=:all: (but SOURCE_ONLY) --platform ... --python-version ... --no-deps --require-hashes`. A pin with
no wheel for a target (or a wheel whose hash the lock lacks) fails, naming the package, the lock
and the target. The checks run in parallel; pip reads only the index pages and the wheels'
metadata, so a full run takes about a minute.

`python tools/locks.py compile` rewrites both locks with uv (`uv pip compile --universal
--generate-hashes`): the existing locks' versions are kept wherever pyproject.toml allows them
(uv prefers the versions of its output file), `lock-constraints.txt` holds the deliberate
per-Python splits.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ("requirements.lock", "requirements-test.lock")
PYTHONS = ("3.11", "3.12", "3.13")
# The oldest systems the locks are checked for: glibc 2.28 (RHEL 8, Debian 10, Ubuntu 20.04) and
# macOS 14 on Apple silicon. pip takes the older tags of each as compatible too (macOS) or is
# given them (manylinux: pip does not expand manylinux_2_28 itself).
GLIBC = 28
# Pure-Python packages published as source only: built on install, on every platform alike.
SOURCE_ONLY = ("antlr4-python3-runtime",)  # hydra-core (dvc) pins 4.9.*, which has no wheel


@dataclass(frozen=True)
class Target:
    """One (Python, platform) of the supported matrix."""

    python: str
    name: str  # as the README and the error messages say it
    sys_platform: str
    machine: str
    pip_platforms: tuple[str, ...]

    def markers(self) -> dict[str, str]:
        """The environment a lock's markers are evaluated in (PEP 508 names)."""
        return {"python_version": self.python, "python_full_version": f"{self.python}.0",
                "sys_platform": self.sys_platform, "platform_machine": self.machine,
                "platform_system": "Linux" if self.sys_platform == "linux" else "Darwin",
                "os_name": "posix", "implementation_name": "cpython",
                "platform_python_implementation": "CPython", "platform_release": "",
                "platform_version": "", "implementation_version": f"{self.python}.0", "extra": ""}

    def __str__(self) -> str:
        return f"Python {self.python} on {self.name}"


def manylinux(arch: str) -> tuple[str, ...]:
    """The manylinux tags a glibc-2.28 system of `arch` accepts, newest first."""
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(GLIBC, 16, -1)] + [f"manylinux2014_{arch}"]
    if arch == "x86_64":
        tags += [f"manylinux_2_{minor}_{arch}" for minor in range(16, 4, -1)]
        tags += [f"manylinux2010_{arch}", f"manylinux1_{arch}"]
    return tuple(tags)


PLATFORMS = (
    ("manylinux x86_64", "linux", "x86_64", manylinux("x86_64")),
    ("manylinux aarch64", "linux", "aarch64", manylinux("aarch64")),
    ("macOS arm64", "darwin", "arm64", ("macosx_14_0_arm64",)),
)
MATRIX = tuple(Target(python, *platform) for python in PYTHONS for platform in PLATFORMS)


def entries(lock: Path) -> list[str]:
    """A requirements file's requirement lines, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", lock.read_text())
    lines = (line.split(" #")[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith(("#", "-"))]


def for_target(lock: Path, target: Target) -> list[str]:
    """The lock's lines that apply to `target`, markers dropped (pip would evaluate them against
    the machine it runs on, not the target), hashes kept."""
    kept = []
    for line in entries(lock):
        spec, _, hashes = line.partition(" --hash")
        requirement = Requirement(spec)
        if requirement.marker is None or Marker(str(requirement.marker)).evaluate(target.markers()):
            requirement.marker = None
            kept.append(f"{requirement} --hash{hashes}" if hashes else str(requirement))
    return kept


def pip_check(lock: Path, target: Target | None, scratch: Path) -> str | None:
    """None when pip finds a wheel for every line of `lock` on `target` (target None: the sdist
    of every SOURCE_ONLY line, built once, as it builds alike everywhere), else one line saying
    which package has none."""
    lines = for_target(lock, target or MATRIX[0])
    source = [line for line in lines if Requirement(line.partition(" --hash")[0]).name in SOURCE_ONLY]
    if target is None:
        if not source:
            return None
        pins = scratch / f"{lock.name}-source.txt"
        pins.write_text("\n".join(source) + "\n")
        command = [sys.executable, "-m", "pip", "download", "--no-binary=:all:", "-d", str(scratch / "sdists")]
    else:
        pins = scratch / f"{lock.name}-{target.python}-{target.machine}-{target.sys_platform}.txt"
        pins.write_text("\n".join(line for line in lines if line not in source) + "\n")
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
                   "--only-binary=:all:", "--python-version", target.python, "--implementation", "cp",
                   "--abi", f"cp{target.python.replace('.', '')}", "--abi", "abi3", "--abi", "none"]
        for tag in target.pip_platforms:
            command += ["--platform", tag]
    command += ["--quiet", "--no-deps", "--require-hashes", "--disable-pip-version-check", "-r", str(pins)]
    # PyPI as a user's pip sees it: no machine-wide pip.conf (local mirrors, find-links).
    env = {k: v for k, v in os.environ.items() if k not in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL",
                                                             "PIP_INDEX_URL", "PIP_CONSTRAINT")}
    env["PIP_CONFIG_FILE"] = os.devnull
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode == 0:
        return None
    where = target or "every platform (source only)"
    return f"{lock.name}: {where}: {explain(done.stderr)}"


def explain(stderr: str) -> str:
    """pip's reason, in one line: the package without a matching wheel when it says so."""
    match = re.search(r"No matching distribution found for (\S+)", stderr)
    if match:
        return f"no wheel for {match.group(1)}"
    match = re.search(r"^\s+(\S+==\S+) from \S+/([^/\s]+)", stderr, re.MULTILINE)
    if match and "DO NOT MATCH THE HASHES" in stderr:
        return f"the lock has no hash of {match.group(2)} (the file pip takes for {match.group(1)})"
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return " | ".join(errors or lines[-3:]) or "pip failed"


def check(locks: list[Path], jobs: int = 6) -> list[str]:
    """Every lock against every target of MATRIX, `jobs` pip processes at a time: the failures."""
    with tempfile.TemporaryDirectory(prefix="genrepipe-lock-check-") as tmp, ThreadPoolExecutor(jobs) as pool:
        runs = [pool.submit(pip_check, lock, target, Path(tmp)) for lock in locks for target in (*MATRIX, None)]
        return [failure for run in runs if (failure := run.result())]


HEADERS = {
    "requirements.lock": "the runtime and the dask extra",
    "requirements-test.lock": "the test tools (the test extra) beyond requirements.lock",
}


def compile_locks(uv: str) -> None:
    """Rewrite requirements.lock (runtime and the dask extra) and requirements-test.lock (the test
    tools only) with uv, universal and hashed, keeping the locks' versions where allowed."""
    common = [uv, "pip", "compile", "--quiet", "--universal", "--generate-hashes", "--no-header",
              "-c", "lock-constraints.txt"]
    subprocess.run(common + ["--extra", "dask", "pyproject.toml", "-o", "requirements.lock"],
                   cwd=ROOT, check=True)
    runtime = [Requirement(line.partition(" --hash")[0]).name for line in entries(ROOT / "requirements.lock")]
    skip = [arg for name in sorted(set(runtime)) for arg in ("--no-emit-package", name)]
    subprocess.run(common + ["-c", "requirements.lock", "--extra", "dask", "--extra", "test", *skip,
                             "pyproject.toml", "-o", "requirements-test.lock"], cwd=ROOT, check=True)
    for name, what in HEADERS.items():
        lock = ROOT / name
        lock.write_text(f"# genrepipe, {what}: every supported Python and platform (markers), hashed.\n"
                        "# Written by `make lock` (uv pip compile --universal); checked by `make lock-check`.\n"
                        + lock.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="resolve every lock for every target of the matrix")
    checking.add_argument("locks", nargs="*", type=Path, default=[ROOT / lock for lock in LOCKS])
    checking.add_argument("--jobs", type=int, default=6)
    compiling = commands.add_parser("compile", help="rewrite the locks with uv")
    compiling.add_argument("--uv", default="uv")
    args = parser.parse_args(argv)
    if args.command == "compile":
        compile_locks(args.uv)
        return 0
    failures = check(args.locks, args.jobs)
    for failure in failures:
        print(f"lock-check: {failure}", file=sys.stderr)
    checked = f"{len(args.locks)} lock(s) x {len(MATRIX)} targets (Python {', '.join(PYTHONS)}; " \
              f"{', '.join(name for name, *_ in PLATFORMS)})"
    print(f"lock-check: {'FAILED' if failures else 'ok'}: {checked}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
