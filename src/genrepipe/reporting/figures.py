"""Every PNG genrepipe draws, made and saved one way: matplotlib's Agg backend (no display
needed), 100 dpi, written atomically (`store.atomic_path`), the figure closed after.

The figures: a run's confusion matrix and reliability diagram (evaluate), the runs' song
accuracies (report), and the genres of songs ranked or along each song (`genrepipe predict
--plot`, `--timeline`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..core.store import atomic_path


def pyplot():
    """matplotlib.pyplot on the Agg backend (imported on first use: stages that draw nothing
    never load it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(fig, path: str | Path) -> None:
    """Write `fig` to `path` as PNG (atomically) and close it."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    pyplot().close(fig)


def confusion(actual: Sequence[str], predicted: Sequence[str], classes: Sequence[str],
                   title: str, path: str | Path) -> None:
    """Save a confusion matrix with class names (scikit-learn's ConfusionMatrixDisplay); more
    than 12 names (a tagger's tags) get a larger figure, upright column names and smaller
    counts, so that they stay readable."""
    from sklearn.metrics import ConfusionMatrixDisplay

    plt = pyplot()

    many = len(classes) > 12
    side = 0.42 * len(classes) + 2.5 if many else None
    fig, ax = plt.subplots(figsize=(side + 1, side) if many else (7, 6))
    ConfusionMatrixDisplay.from_predictions(actual, predicted, labels=list(classes), ax=ax,
                                            colorbar=False, xticks_rotation=90 if many else 45,
                                            text_kw={"fontsize": 7} if many else None)
    ax.set_title(title)
    fig.tight_layout()
    save(fig, path)


def reliability(rows: list[dict], title: str, path: str | Path) -> None:
    """Save a reliability diagram: per bin of the top probability, how often the top class was
    right against how sure the model was, raw and calibrated (`rows` of
    `evaluation.calibration.write_reliability`), each point sized by its share of songs; on the
    diagonal, a model means what it says."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.plot([0, 1], [0, 1], color="0.6", linestyle="--", linewidth=1, label="calibrated perfectly")
    for kind, colour in (("raw", "tab:red"), ("calibrated", "tab:blue")):
        points = [r for r in rows if r["probabilities"] == kind]
        if not points:
            continue
        x, y = [p["confidence"] for p in points], [p["accuracy"] for p in points]
        ax.plot(x, y, color=colour, linewidth=1.5, label=f"{kind} probabilities")
        total = sum(p["songs"] for p in points)
        ax.scatter(x, y, s=[15 + 250 * p["songs"] / total for p in points], color=colour, alpha=0.6)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("top probability (mean in its bin)")
    ax.set_ylabel("how often the top class was right")
    ax.set_title(title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    save(fig, path)


def summary(rows: list[dict], path: str | Path, task, split: str) -> None:
    """The headline of `task` (song accuracy; taggers: macro ROC-AUC) of each run on the split
    that chooses (`split`, each row's `chosen` scores) and on test, with 95 % intervals, and the
    task's chance (always answering the commonest class; ROC-AUC: 0.5) as a line per split."""
    plt = pyplot()

    fig, ax = plt.subplots(figsize=(10, 0.45 * len(rows) + 1.5))
    y = np.arange(len(rows))[::-1]
    splits = [(split, lambda r: r["chosen"], -0.15, "C0")]
    if split == "valid":
        splits.append(("test", lambda r: r["metrics"]["test"], 0.15, "C1"))
    key = task.headline_key
    for label, pick, offset, color in splits:
        values = [pick(r) for r in rows]
        centre = np.array([v[key] for v in values])
        errors = np.array([[c - v[key + "_lo"], v[key + "_hi"] - c]
                           for c, v in zip(centre, values, strict=True)]).T
        ax.errorbar(centre, y + offset, xerr=errors, fmt="o", color=color, capsize=3, label=label)
        chance = task.chance(values[0])  # the same songs for every run
        ax.axvline(chance, color=color, linestyle=":", linewidth=1.2,
                   label=f"chance on {label} ({chance:.2f})")
    ax.set_yticks(y, [r["run"] for r in rows])
    ax.set_xlim(0, 1.1)
    ax.set_xticks(np.linspace(0, 1, 6))
    what = task.headline_name
    ax.set_xlabel(f"{what} ({task.interval_kind} 95 % interval)")
    ax.set_title(f"Runs ranked by {split} {what}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    save(fig, path)


def rankings(predictions: list, path: str | Path, title: str) -> None:
    """A horizontal bar chart of each song's genre probabilities, one panel per song."""
    plt = pyplot()

    n = len(predictions)
    fig, axes = plt.subplots(n, 1, figsize=(7, 0.35 * len(predictions[0].classes) * n + 1.2),
                             squeeze=False)
    for ax, prediction in zip(axes[:, 0], predictions, strict=True):
        ranking = prediction.ranking()[::-1]
        ax.barh([c for c, _ in ranking], [p for _, p in ranking], color="C0")
        ax.set_xlim(0, 1)
        ax.set_title(Path(prediction.path).name, fontsize=10)
        ax.set_xlabel("probability (mean of windows)")
    fig.suptitle(title)
    fig.tight_layout()
    save(fig, path)


def timelines(predictions: list, path: str | Path, title: str) -> None:
    """Genre probabilities along each song: a genre x time heat map per song."""
    plt = pyplot()

    rows = sum(len(p.classes) for p in predictions)
    fig, axes = plt.subplots(len(predictions), 1, figsize=(10, 0.3 * rows + 1.5 * len(predictions)),
                             squeeze=False)
    for ax, prediction in zip(axes[:, 0], predictions, strict=True):
        classes = prediction.classes
        edges = np.append(prediction.starts, prediction.starts[-1] + prediction.hop)
        image = ax.pcolormesh(edges, np.arange(len(classes) + 1), prediction.window_probs.T,
                              vmin=0, vmax=1, cmap="magma")
        ax.set_yticks(np.arange(len(classes)) + 0.5, classes)
        ax.set_xlabel("time (s, window start)")
        ax.set_title(Path(prediction.path).name, fontsize=10)
        fig.colorbar(image, ax=ax, label="probability")
    fig.suptitle(title)
    fig.tight_layout()
    save(fig, path)
