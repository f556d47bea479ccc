"""Calibrated song probabilities for a run or the fusion: the temperature learnt on songs the
probabilities are never scored on, the ECE and Brier score before and after, and the temperature
`genrepipe predict` applies.

What the temperature is learnt on (`stats.calibration.fit_temperature`):

- a train / valid / test split: the valid songs (for the fusion, whose combination is learnt on
  valid, its valid songs in parts each combined as learnt on the others: `fusion_model`), then
  applied to every split (the valid figures after calibration are therefore in-sample; test is
  the record);
- k folds: each fold's songs scaled by a temperature learnt on the other folds' cross-validated
  predictions (nested, as the fusion is); `predict`, which uses the mean of the fold models, gets
  the temperature learnt on every song's.

A run's temperature is kept with its scores (`scores.json`, key `calibration`: the evaluate stage
owns it, the model folder being the train stage's output); the fusion's in its model folder too.
Taggers are not calibrated here: each tag's threshold is chosen on valid instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..stats.calibration import BINS, T_RANGE, apply_temperature, calibration_intervals, fit_temperature

log = logging.getLogger(__name__)

KEY = "calibration"
METHOD = "temperature scaling"


@dataclass
class Calibration:
    """The temperature `predict` applies, what it was learnt on, each fold's (k-fold) and the
    calibrated probabilities of the scored songs."""

    temperature: float
    fit_on: str
    probs: np.ndarray
    fold_temperatures: dict[str, float] = field(default_factory=dict)

    def record(self) -> dict:
        """scores.json's `calibration` (and the fusion model's)."""
        bounded = [t for t in T_RANGE if abs(self.temperature - t) < 1e-4 * t]
        return {"method": METHOD, "temperature": self.temperature, "fit_on": self.fit_on,
                "bins": BINS, **({"fold_temperatures": self.fold_temperatures}
                                 if self.fold_temperatures else {}),
                **({"bounded": f"the search's bound ({bounded[0]:g}): no temperature within "
                               f"{T_RANGE[0]:g}-{T_RANGE[1]:g} fits better ("
                               + ("every song it learnt on was right, so surer is always better)"
                                  if bounded[0] == T_RANGE[0] else
                                  "a true class given probability 0 pulls towards flat answers)")}
                   if bounded else {})}


def calibrate(probs: np.ndarray, truth: np.ndarray, splits, valid_probs: np.ndarray | None = None
              ) -> Calibration:
    """Learn the temperature of songs' `probs` (their `truth`, their `splits`: valid / test, or
    folds) and scale every song's probabilities by it; `valid_probs`, when given, are what the
    temperature learns from in place of the valid songs' own (the fusion's within-valid ones)."""
    splits = np.asarray(splits)
    folds = sorted(set(splits) - {"valid", "test"})
    if folds:
        calibrated = np.empty_like(probs, dtype=np.float64)
        per_fold = {}
        for fold in folds:
            inside = splits == fold
            per_fold[fold] = fit_temperature(probs[~inside], truth[~inside])
            calibrated[inside] = apply_temperature(probs[inside], per_fold[fold])
        return Calibration(fit_temperature(probs, truth),
                           "for each fold, the other folds' cross-validated predictions "
                           "(predict: every song's)", calibrated, per_fold)
    valid = splits == "valid"
    if not valid.any():
        return Calibration(1.0, "nothing (no valid songs): not calibrated", np.asarray(probs, np.float64))
    learn = valid_probs if valid_probs is not None else probs[valid]
    temperature = fit_temperature(learn, truth[valid])
    fit_on = "valid" if valid_probs is None else "valid (the fusion's within-valid predictions)"
    return Calibration(temperature, fit_on, apply_temperature(probs, temperature))


def add_calibration(metrics: dict, task, truth: np.ndarray, probs: np.ndarray, splits, seed: int,
                    valid_probs: np.ndarray | None = None) -> tuple[dict, Calibration | None]:
    """`metrics` (a task's scores) with the calibration of a task that calibrates: the
    `calibration` record, and in each scored split the ECE and Brier score before and after with
    intervals (`stats.calibration.calibration_intervals`). A task that does not (taggers): as is."""
    if not task.calibrates:
        return metrics, None
    calibration = calibrate(probs, truth, splits, valid_probs)
    splits = np.asarray(splits)
    out = {**metrics, KEY: calibration.record()}
    for split in ("valid", "test"):
        if split in metrics:
            rows = np.ones(len(truth), bool) if split == "test" and "folds" in metrics else splits == split
            out[split] = {**metrics[split],
                          **calibration_intervals(truth[rows], probs[rows], calibration.probs[rows], seed)}
    log.info("calibration: temperature %.3f learnt on %s", calibration.temperature, calibration.fit_on)
    return out, calibration


def temperature_of(scores: dict | None) -> float:
    """The temperature a run's scores (or the fusion model's record) say to apply; 1 when there
    is none (a tagger, results from before calibration)."""
    return float(((scores or {}).get(KEY) or {}).get("temperature", 1.0))


def run_temperature(metrics_dir: str | Path, meta: dict) -> tuple[float, str | None]:
    """The temperature of the run of model folder record `meta` from its scores under
    `metrics_dir`, and a note when there is none to read or the scores there are another
    model's (another model, transform or classes under the same name): the probabilities are
    then the model's own."""
    from ..core.store import read_json
    from .results import INFO, has_results, read_scores

    run, folder = meta["run"], Path(metrics_dir) / meta["run"]
    if not has_results(metrics_dir, run):
        return 1.0, (f"{folder / 'scores.json'} not found: probabilities not calibrated (run "
                     "`dvc repro`, or --metrics FOLDER)")
    info = read_json(folder / INFO, what=f"the description of run {run!r}")  # not songs.csv
    mine = {k: meta.get(k) for k in ("model", "transform", "classes")}
    if {k: info.get(k) for k in mine} != mine:
        return 1.0, (f"{folder / INFO} describes another model than this {run!r} ({mine['model']} on "
                     f"{mine['transform']}): probabilities not calibrated (--metrics FOLDER of its project)")
    scores = read_scores(metrics_dir, run)
    if KEY not in scores:
        return 1.0, (f"{folder / 'scores.json'} holds no calibration (scored before it existed): "
                     "probabilities not calibrated; re-run `dvc repro`")
    return temperature_of(scores), None


def write_reliability(folder: str | Path, truth: np.ndarray, raw: np.ndarray,
                      calibration: Calibration | None, splits, title: str) -> None:
    """The reliability diagram of the record songs (test; k-fold: every song), raw and
    calibrated (a tagger, not calibrated: every song's tag probabilities against how often the
    tag was there): its points as rows for `dvc plots` (`reliability.json`) and a PNG."""
    from ..core.store import write_json
    from ..reporting import figures
    from ..stats.calibration import reliability, tag_reliability
    from .results import RELIABILITY, RELIABILITY_PNG

    record = np.asarray(splits) != "valid"
    if calibration is None:
        rows = [{"probabilities": "raw", **point} for point in tag_reliability(raw[record], truth[record])]
        title = f"{title}: every tag of every song"
    else:
        rows = [{"probabilities": kind, **point}
                for kind, probs in (("raw", raw), ("calibrated", calibration.probs))
                for point in reliability(probs[record], truth[record])]
        title = f"{title} (T = {calibration.temperature:.2f})"
    write_json(Path(folder) / RELIABILITY, rows)
    figures.reliability(rows, title, Path(folder) / RELIABILITY_PNG)
