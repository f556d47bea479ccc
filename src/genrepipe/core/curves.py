"""Training curves in the file layout DVC reads (dvclive's): `metrics.json` and one TSV per metric.

`<folder>/plots/metrics/<name>.tsv` holds `step<TAB><metric>` rows (what `dvc plots` draws) and
`<folder>/metrics.json` the last value of every metric, nested by the `/` in its name. No
timestamps, so the same training writes the same bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from .store import atomic_open, write_json

def keras_metric_name(key: str) -> str:
    """A Keras history key as dvclive's Keras callback names it: `val_loss` -> `eval/loss`,
    `accuracy` -> `train/accuracy`."""
    return "eval/" + key[4:] if key.startswith("val_") else "train/" + key


class Curves:
    """Collects metric values step by step and writes them when closed.

    Parameters
    ----------
    folder : path-like
        Output folder (`metrics/train/<run>`).

    Examples
    --------
    >>> curves = Curves(tmp)               # doctest: +SKIP
    >>> curves.log("train/loss", 0.7, step=0); curves.close()
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.rows: dict[str, list[tuple[int, float]]] = {}

    def log(self, name: str, value: float, step: int) -> None:
        """Record `value` of metric `name` (e.g. ``fold0/eval/accuracy``) at `step`."""
        self.rows.setdefault(name, []).append((int(step), float(value)))

    def close(self) -> None:
        """Write every metric's TSV and `metrics.json` (last value of each metric)."""
        latest: dict = {}
        last_step = 0
        for name, rows in self.rows.items():
            path = self.folder / "plots" / "metrics" / f"{name}.tsv"
            path.parent.mkdir(parents=True, exist_ok=True)
            leaf = name.rsplit("/", 1)[-1]
            with atomic_open(path) as handle:
                handle.write(f"step\t{leaf}\n")
                handle.writelines(f"{step}\t{value!r}\n" for step, value in rows)
            node = latest
            *groups, leaf = name.split("/")
            for group in groups:
                node = node.setdefault(group, {})
            node[leaf] = rows[-1][1]
            last_step = max(last_step, rows[-1][0])
        write_json(self.folder / "metrics.json", {**latest, "step": last_step})
