"""The ECE a perfectly calibrated model would show on a project's record songs: labels drawn from
a model's own song probabilities (so they mean exactly what they say), 2000 draws, mean and 95 %
range. A measured ECE inside that range cannot be told from perfect calibration on so few songs
(docs/evaluation.md#calibration).

    python bench/ece_floor.py PROJECT [RUN ...]   (default: the fusion and the project's best run)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from genrepipe.evaluation.results import FUSION, probabilities, read_results
from genrepipe.stats.calibration import ece


def floor(probs: np.ndarray, seed: int = 0, draws: int = 2000) -> tuple[float, float, float]:
    rng = np.random.default_rng(seed)
    cumulative = probs.cumsum(axis=1) / probs.sum(axis=1, keepdims=True)
    values = [ece(probs, (rng.random((len(probs), 1)) > cumulative).sum(axis=1)) for _ in range(draws)]
    return float(np.mean(values)), *map(float, np.percentile(values, [2.5, 97.5]))


def main() -> None:
    project = Path(sys.argv[1])
    runs = sys.argv[2:] or [FUSION, json.loads((project / "metrics/headline.json").read_text())["best_run"]]
    for run in runs:
        folder = project / ("metrics" if run == FUSION else "metrics/runs")
        results = read_results(folder, run)
        rows = [r for r in results.songs if r["split"] != "valid"]
        mean, lo, hi = floor(probabilities(rows, results.classes))
        print(f"{run}: {len(rows)} songs, a perfectly calibrated model's ECE {mean:.3f} [{lo:.3f}, {hi:.3f}]")


if __name__ == "__main__":
    main()
