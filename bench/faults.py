"""`make faults`: kill, starve and damage a tiny genrepipe project, and write the figures.

    python bench/faults.py [--seed 15] [--kills-per-stage 5] [--workdir /tmp/genrepipe-faults]
        [--out bench/faults.md] [--only kills disk memory corrupt parallel]

Two scratch clones of the committed HEAD get a tiny demo configuration: `reference` runs the
pipeline once, uninterrupted; `faults` runs it, then takes every fault, each followed by the
re-run a user would do and a byte-for-byte comparison of every output (data/, models/, metrics/,
dvc.lock) with the reference. Faults: SIGKILL in every stage at seeded random moments, a full
disk in the writing stages, memory limits on a transform and a Keras training, damaged inputs
between stages, and four experiments queued side by side against the same ones run alone.
Takes about 17 minutes on 2 shared cores; nothing in this project changes but `--out`.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from faultkit.corrupt import corrupt  # noqa: E402
from faultkit.disk import fill_disk, largest_output_file  # noqa: E402
from faultkit.kills import kill_stage  # noqa: E402
from faultkit.memory import limit_memory  # noqa: E402
from faultkit.outcome import Row, differences  # noqa: E402
from faultkit.parallel import side_by_side  # noqa: E402
from faultkit.project import USER_FILES, Project  # noqa: E402
from faultkit.report import markdown, totals  # noqa: E402

from genrepipe.core.workspace import cores  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DISK_STAGES = ("download", "augment", "segment", "transform@mel", "train@svc-mfcc",
               "train@cnn2d-mel", "evaluate@svc-mfcc", "report")
# address space, MB: too small to load the libraries, tight, comfortable (see faultkit/memory.py)
MEMORY_LIMITS_MB = {"transform@mel": [300, 500, 1000], "train@cnn2d-mel": [1000, 1700, 2100, 4000]}


def timed_repro(project: Project) -> tuple[dict[str, float], list[str]]:
    """Run `dvc repro` from nothing; each stage's duration from DVC's "Running stage" lines
    (the next stage's start, or the end, closes it)."""
    running = project.start("repro")
    if running.wait() != 0:
        raise SystemExit(f"dvc repro failed in {project.path}:\n" + "\n".join(running.stderr[-20:]))
    end = time.monotonic()
    order = sorted(running.started, key=running.started.get)
    starts = [running.started[s] for s in order] + [end]
    return {s: starts[i + 1] - starts[i] for i, s in enumerate(order)}, order


def log(text: str) -> None:
    print(time.strftime("%H:%M:%S"), text, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--kills-per-stage", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/genrepipe-faults"))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "faults.md")
    parser.add_argument("--only", nargs="+", choices=("kills", "disk", "memory", "corrupt", "parallel"),
                        default=["kills", "disk", "memory", "corrupt", "parallel"])
    args = parser.parse_args(argv)
    begin = time.monotonic()
    load_before = os.getloadavg()[0]
    rng = random.Random(args.seed)
    args.workdir.mkdir(parents=True, exist_ok=True)

    log("reference: a tiny project, one uninterrupted dvc repro")
    reference_project = Project.tiny(args.workdir / "reference")
    durations, stages = timed_repro(reference_project)
    reference = reference_project.hashes()
    reference_project.git("add", "--all")
    reference_project.git("commit", "--quiet", "-m", "reference run")
    log("stages: " + ", ".join(f"{s} {durations[s]:.1f} s" for s in stages))

    project = Project.clone(reference_project, args.workdir / "faults")
    project.place_user_files()
    timed_repro(project)
    fresh = Row("none (a fresh clone's first run)", "all")
    fresh.injected = 1
    diff = differences(project, reference)
    fresh.identical = int(not diff)
    if diff:
        fresh.note(f"differs: {', '.join(diff[:3])}")

    rows = [fresh]
    if "kills" in args.only:
        for stage in stages:
            log(f"kills: {stage}")
            rows.append(kill_stage(project, reference, stage, durations[stage],
                                   args.kills_per_stage, rng))
    if "disk" in args.only:
        for stage in DISK_STAGES:
            log(f"disk full: {stage}")
            largest = largest_output_file(reference_project, stage)
            rows.append(fill_disk(project, reference, stage, [largest // 2, 4096]))
    if "memory" in args.only:
        for stage, limits in MEMORY_LIMITS_MB.items():
            log(f"memory: {stage}")
            rows.append(limit_memory(project, reference, stage, limits))
    if "corrupt" in args.only:
        log("damaged inputs")
        rows += corrupt(project, reference)
    if "parallel" in args.only:
        log("experiments side by side")
        rows.append(side_by_side(project, reference_project, reference))

    seconds = time.monotonic() - begin
    setup = [
        f"Machine: {cores()} cores, 1-minute load average {load_before:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end (other jobs share the machine: times vary).",
        f"Project: the committed HEAD with 2 genres x 3 demo songs of 12 s at 8 kHz (+1 augmented "
        f"copy per training song), transforms mfcc and mel, runs svc-mfcc (scikit-learn) and "
        f"cnn2d-mel (Keras, 2 epochs); a whole `dvc repro` took {sum(durations.values()):.0f} s.",
        "Identical: after the fault and the re-run, `dvc status` is clean and every file under "
        "data/, models/, metrics/ (not metrics/timing/, training times) and dvc.lock has the "
        "reference run's md5. A `.partial` folder left after the re-run is counted in its own "
        "column and removed with `genrepipe repair` before the comparison; any other leftover "
        "(an atomic write's temporary file) counts as a difference. When DVC stops the re-run "
        "on its own damaged file (dvc.lock or .dvc/tmp/rwlock cut off by the kill), "
        "`genrepipe repair` runs, then the same re-run (its own column).",
        f"Data lost: user files placed in the project ({', '.join(USER_FILES)}) gone or changed, "
        "committed files changed (`git status`), or a failed stage's output taken by DVC as done.",
        "Kills: SIGKILL to `dvc repro --force --single-item <stage>`'s process group, "
        "`uniform(0, the stage's reference duration)` seconds after DVC starts the stage "
        "(draws that land after the stage ended are drawn again); even kills are followed by "
        "`dvc repro`, odd ones by `dvc repro --no-run-cache`.",
        "Disk full: RLIMIT_FSIZE on the stage's processes (prlimit, as they start) at half the "
        "stage's largest output file and at 4 KiB; writes fail with EFBIG (Python ignores "
        "SIGXFSZ). The failure must be one `genrepipe <stage>: error: disk full: ...` line.",
        "Memory: RLIMIT_AS on the stage's processes at the limits listed (address space, not "
        "resident memory; TensorFlow reserves much more than it uses); each must succeed with "
        "the reference bytes or fail with one line naming memory, within 600 s.",
        "Damaged inputs: files replaced (DVC keeps outputs read-only, so a user's edit or a crashed "
        "copy replaces a file); the reading stage is run on them with `dvc repro --force "
        "--single-item`, then `dvc status` must name the owning stage and `dvc repro` repair it.",
        "Parallel: four experiments `dvc exp run --queue -S ...` and `dvc queue start -j 2` in "
        "the fault project; each one's dvc.lock output hashes against the same experiment run "
        "alone (`dvc exp run --temp`) in the reference project (its own cache and run cache).",
    ]
    text = markdown(rows, args.seed, seconds, setup)
    args.out.write_text(text)
    print(text)
    t = totals(rows)
    if t["not identical"] or t["lost"] or t["unclear"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
