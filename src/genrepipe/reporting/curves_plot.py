"""Every network's training curves in one file, for one `dvc plots` chart.

A train stage writes its curves in dvclive's layout (`metrics/train/<run>/plots/metrics/`, see
`genrepipe.core.curves`). DVC's top-level plots have no `foreach`, so the report stage gathers the
loss and accuracy (a tagger's macro ROC-AUC) of every run that trained for more than one epoch into
`metrics/plots/curves.json`, one row per (run, fold, curve, metric, epoch); the `curves` template
(`.dvc/plots/curves.json`) draws one panel per run and metric, train and valid overlaid.
scikit-learn runs log a single step and are left out.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from ..core.store import write_json

CURVES = {"train": "train", "eval": "valid"}  # dvclive's group -> the curve's name in the chart
METRICS = ("loss", "accuracy", "macro_roc_auc")  # macro_roc_auc: a tagger's (multi-label)


def curve_rows(run_dir: Path, run: str) -> list[dict]:
    """The loss and accuracy curves of one run (every fold of a k-fold run)."""
    plots = run_dir / "plots" / "metrics"
    rows = []
    for tsv in sorted(plots.rglob("*.tsv")):
        *prefix, group, metric = tsv.relative_to(plots).with_suffix("").parts
        if group not in CURVES or metric not in METRICS:
            continue
        fold = "/".join(prefix)
        with open(tsv, newline="") as handle:
            table = list(csv.DictReader(handle, delimiter="\t"))
        for row in table:
            rows.append({"run": run, "fold": fold, "curve": CURVES[group], "metric": metric,
                         "panel": f"{run}: {metric}", "epoch": int(row["step"]) + 1,
                         "value": float(row[metric])})
    return rows if len({r["epoch"] for r in rows}) > 1 else []


def write_curves(train_dir: str | Path, runs: Sequence[str], out: str | Path) -> list[dict]:
    """Write the curves of every run of `runs` that has epochs to `out` (JSON rows)."""
    rows = [row for run in runs for row in curve_rows(Path(train_dir) / run, run)]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    write_json(out, rows)
    return rows
