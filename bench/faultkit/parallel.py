"""Experiments side by side: four `dvc exp run --queue -S ...` run by `dvc queue start -j 2` in
the fault project, each compared with the same experiment run alone (`dvc exp run --temp`, one
at a time) in the reference project, which has its own DVC cache and run cache: every output
hash in the experiment's dvc.lock must be equal.
"""

from __future__ import annotations

import time

import yaml

from .outcome import Row
from .project import Project

EXPERIMENTS = [("models.svc.C=0.5",), ("models.svc.C=2.0",), ("transforms.mfcc.n_mfcc=8",),
               ("models.cnn2d.dense=4", "window=2")]
TIMEOUT = 1800


def experiment_outputs(project: Project) -> dict[tuple[str, ...], dict[str, str]]:
    """Output hashes of each experiment of the project, by the `-S` settings it was run with."""
    found = {}
    for ref in project.git("for-each-ref", "--format=%(refname)", "refs/exps").split():
        if ref.endswith(("/exec", "/celery", "/runs")) or "/tmp/" in ref:
            continue
        lock = yaml.safe_load(project.git("show", f"{ref}:dvc.lock"))
        params = yaml.safe_load(project.git("show", f"{ref}:params.yaml"))
        key = next((settings for settings in EXPERIMENTS if all(
            str(_get(params, s.split("=")[0])) == s.split("=")[1] for s in settings)), None)
        if key is None:
            continue
        found[key] = {out["path"]: out["md5"] for stage in lock["stages"].values()
                      for out in stage.get("outs", [])}
    return found


def _get(params: dict, dotted: str):
    for key in dotted.split("."):
        params = params[key]
    return params


def side_by_side(project: Project, alone: Project, reference: dict[str, str]) -> Row:
    row = Row("parallel experiments (queue -j 2)", "all stages downstream of the change")
    for settings in EXPERIMENTS:
        project.dvc("exp", "run", "--queue", *[a for s in settings for a in ("-S", s)], check=True)
    start = time.monotonic()
    project.dvc("queue", "start", "-j", "2", check=True)
    while time.monotonic() - start < TIMEOUT:
        status = project.dvc("queue", "status").stdout
        if not any(word in status for word in ("Queued", "Running")):
            break
        time.sleep(5)
    else:
        row.note(f"queue not done after {TIMEOUT} s")
    queued_seconds = time.monotonic() - start
    failed = [line for line in project.dvc("queue", "status").stdout.splitlines() if "Failed" in line]
    for line in failed:
        row.note(f"failed: {line.strip()}")
    for settings in EXPERIMENTS:
        alone.dvc("exp", "run", "--temp", *[a for s in settings for a in ("-S", s)], check=True)
    side, solo = experiment_outputs(project), experiment_outputs(alone)
    for settings in EXPERIMENTS:
        row.injected += 1
        if settings in side and side[settings] == solo.get(settings):
            row.identical += 1
        else:
            row.note(f"{' '.join(settings)}: differs from the run alone")
    if project.hashes() != reference:
        row.note("the workspace changed while experiments ran")
        row.lost += 1
    row.lost += len(project.lost_user_files())
    row.note(f"4 experiments in {queued_seconds:.0f} s side by side")
    project.dvc("queue", "stop")
    return row
