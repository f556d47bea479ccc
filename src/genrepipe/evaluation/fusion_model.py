"""The fusion as a model: `models/fusion/fusion.json`, written by the fuse stage and read by
`genrepipe predict`, here only.

It holds what applying the fusion to new songs needs (the method, the member runs, the learnt
combination, the classes; a tagger's thresholds) and what choosing it needs (its score on the
split that chooses, estimated without the songs it learnt on), with its valid and test scores.
The members' own models stay in `models/<run>/`, beside it: copy the whole `models/` folder to
take the fusion elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..core.errors import DataError
from ..core.store import read_json, write_json
from .fusion import METHODS, Combination, nested

FUSION_FILE = "fusion.json"
WITHIN_VALID_FOLDS = 5


def write_fusion_model(folder: str | Path, record: dict) -> None:
    Path(folder).mkdir(parents=True, exist_ok=True)
    write_json(Path(folder) / FUSION_FILE, record)


def is_fusion_model(folder: str | Path) -> bool:
    return (Path(folder) / FUSION_FILE).is_file()


def read_fusion_model(folder: str | Path) -> dict:
    """The fusion's record, its combination as a `Combination` (key `combination`)."""
    path = Path(folder) / FUSION_FILE
    if not path.is_file():
        raise DataError(f"{folder}: not a fusion model (no {FUSION_FILE}); run `dvc repro` first")
    record = read_json(path, what="the fusion model")
    return {**record, "combination": Combination.from_dict(record["combination"])}


def within_valid(method: str, probs: np.ndarray, truth: np.ndarray, names: list[str], seed: int
                 ) -> np.ndarray:
    """The fusion's valid songs without the optimism of the songs it learnt on: the valid songs
    (`probs`: (n_runs, n_valid, n_outputs)) in `WITHIN_VALID_FOLDS` seeded parts, each combined as
    learnt on the others (`fusion.nested`). What `choice` scores against the runs' valid scores,
    and what the fusion's temperature learns from (`calibration`)."""
    n = len(truth)
    folds = np.empty(n, dtype=object)
    folds[np.random.default_rng(seed).permutation(n)] = [f"part{i % min(WITHIN_VALID_FOLDS, n)}"
                                                         for i in range(n)]
    fused, _ = nested(METHODS[method], probs, truth, folds, names, seed)
    return fused
