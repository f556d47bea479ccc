"""The report stage: one table and one figure comparing every evaluated run."""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError
from ..store import atomic_open, atomic_path, read_json

COLUMNS = ("run", "model", "transform", "window acc.", "song acc.", "song macro-F1", "test songs")


def collect(runs_dir: str | Path) -> list[dict]:
    """Every run's metrics and info, sorted by song accuracy (best first), then name."""
    runs_dir = Path(runs_dir)
    rows = []
    for path in sorted(runs_dir.glob("*.json")):
        info_path = runs_dir / path.stem / "info.json"
        if not info_path.is_file():
            raise DataError(f"{info_path}: missing; expected it next to {path.name}")
        rows.append({**read_json(path), **read_json(info_path)})
    if not rows:
        raise DataError(f"{runs_dir}: no run metrics; run the evaluate stages first")
    return sorted(rows, key=lambda r: (-r["song_accuracy"], r["run"]))


def summary_table(rows: list[dict]) -> str:
    """A Markdown table, one row per run."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        cells = (r["run"], r["model"], r["transform"], f"{r['window_accuracy']:.3f}",
                 f"{r['song_accuracy']:.3f}", f"{r['song_macro_f1']:.3f}", str(r["n_test_songs"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_report(runs_dir: str | Path, out_md: str | Path, out_png: str | Path) -> list[dict]:
    """Write the summary table (Markdown) and a grouped bar chart of song accuracy."""
    rows = collect(runs_dir)
    with atomic_open(out_md) as handle:
        handle.write("# Test-set results\n\nSong prediction = mean of its windows' "
                     "probabilities. Sorted by song accuracy.\n\n")
        handle.write(summary_table(rows))
    plot_summary(rows, out_png)
    return rows


def plot_summary(rows: list[dict], path: str | Path) -> None:
    """Song accuracy grouped by transform, one bar per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    transforms = sorted({r["transform"] for r in rows})
    models = sorted({r["model"] for r in rows})
    width = 0.8 / len(models)
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(transforms) + 2), 4.5))
    for i, model in enumerate(models):
        label = model  # in the legend once per model
        for j, transform in enumerate(transforms):
            found = [r["song_accuracy"] for r in rows
                     if r["model"] == model and r["transform"] == transform]
            if found:
                bar = ax.bar(j - 0.4 + width * (i + 0.5), max(found), width, color=f"C{i}", label=label)
                ax.bar_label(bar, fmt="%.2f", fontsize=8)
                label = None
    ax.set_xticks(np.arange(len(transforms)), transforms)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("song accuracy (test)")
    ax.set_title("Models by representation")
    ax.legend(title="model", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
