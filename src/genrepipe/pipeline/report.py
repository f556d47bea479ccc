"""The report stage: the runs of params.yaml side by side, chosen on valid, recorded on test.

Runs are ranked by their valid song accuracy (a k-fold run: its cross-validated song accuracy,
every song tested once by a model that did not train on it); test scores stand beside it, the
accuracies with their exact 95 % interval, macro-F1 with a bootstrap one. Every run is compared
with the first on the same test songs by the exact McNemar test: a p-value below 0.05 says the two
differ by more than chance would make them; above it, the test songs cannot tell them apart.
The stage also writes `metrics/headline.json` (the answer in a few DVC metrics) and the training
curves of every network in one file for `dvc plots` (`pipeline.curves_plot`). Taggers
(`dataset.task: multilabel`) are ranked by macro ROC-AUC and compared with the first by a paired
bootstrap of the macro ROC-AUC difference on the same songs (`reporting.tag_tables`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..core.errors import DataError, parameter_error
from ..core.store import atomic_open, write_json
from ..evaluation.results import (FUSION, chosen_on, headline_metric, is_kfold, is_tagger, probabilities,
                       project_headline, read_results, tag_truth)
from ..reporting import figures
from ..reporting.tag_tables import SIGNIFICANCE, interval, tagger_report, tagger_table
from ..stats.multi_label import paired_bootstrap
from ..stats.single_label import mcnemar

def collect(runs_dir: str | Path, runs: Sequence[str], fusion_dir: str | Path | None = None
            ) -> list[dict]:
    """The metrics, info and per-song correctness on test of each run in `runs` (and of the
    fusion in `fusion_dir`, if given), best first (by the selection score, then name), each
    compared with the first.

    Raises
    ------
    DataError
        When a run of `runs` has no metrics (its evaluate stage has not run).
    """
    runs_dir = Path(runs_dir)
    if not runs:
        raise parameter_error("runs", {}, "is empty", "at least one run to report")
    rows = []
    sources = [(runs_dir, name) for name in runs] + ([(Path(fusion_dir), FUSION)] if fusion_dir else [])
    for folder, name in sources:
        results = read_results(folder, name)
        metrics = results.scores
        correct = {s["song_id"]: s["label"] == s["predicted"] for s in results.songs
                   if s["split"] == "test" or "valid" not in metrics}
        rows.append({**results.info, "metrics": metrics, "correct": correct, "results": results})
    rows.sort(key=lambda r: (-chosen_on(r["metrics"])[1][headline_metric(r["metrics"])], r["run"]))
    best = rows[0]["correct"]
    if is_tagger(rows[0]["metrics"]):
        _compare_taggers(rows)
        return rows
    for row in rows[1:]:
        if set(row["correct"]) != set(best):
            raise DataError(f"runs {rows[0]['run']!r} and {row['run']!r} were tested on different "
                            "songs; re-run `dvc repro`")
        songs = sorted(best)
        row["versus_best"] = mcnemar(np.array([best[s] for s in songs]),
                                     np.array([row["correct"][s] for s in songs]))
    return rows


def _compare_taggers(rows: list[dict], seed: int = 0) -> None:
    """Each tagger against the first on the same test songs (k-fold: every song): a paired
    bootstrap of the macro ROC-AUC difference (fixed seed: the report reads no params)."""
    def tested(row):
        results = row["results"]
        keep = [r for r in results.songs if r["split"] == "test" or "valid" not in row["metrics"]]
        return {r["song_id"]: r for r in keep}

    best = tested(rows[0])
    songs = sorted(best)
    tags = rows[0]["results"].classes
    truth = tag_truth([best[s] for s in songs], tags)
    best_probs = probabilities([best[s] for s in songs], tags)
    for row in rows[1:]:
        other = tested(row)
        if set(other) != set(best) or row["results"].classes != tags:
            raise DataError(f"taggers {rows[0]['run']!r} and {row['run']!r} were tested on different "
                            "songs or tags; re-run `dvc repro`")
        row["versus_best"] = paired_bootstrap(truth, best_probs,
                                              probabilities([other[s] for s in songs], tags), seed)


def summary_table(rows: list[dict]) -> str:
    """A Markdown table, one row per run, best first. With a valid split: valid and test side by
    side; with k folds: the cross-validated scores and the spread over folds."""
    if is_tagger(rows[0]["metrics"]):
        return tagger_table(rows)
    kfold = is_kfold(rows[0]["metrics"])
    if kfold:
        columns = ("run", "model", "transform", "cross-validated song acc. [95% CI]",
                   "song macro-F1 [95% CI]", "per fold: mean ± std [95% CI]", "vs best", "songs")
    else:
        columns = ("run", "model", "transform", "valid song acc. [95% CI]",
                   "test song acc. [95% CI]", "test song macro-F1 [95% CI]", "vs best on test",
                   "test songs")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        metrics, test = row["metrics"], row["metrics"]["test"]
        versus = row.get("versus_best")
        if versus is None:
            compared = "(best)"
        else:
            verdict = "differs" if versus["p_value"] < SIGNIFICANCE else "cannot tell"
            compared = f"{verdict} (p={versus['p_value']:.3f}; {versus['only_a']} vs {versus['only_b']})"
        if kfold:
            folds = metrics["folds"]
            spread = (f"{folds['song_accuracy_mean']:.3f} ± {folds['song_accuracy_std']:.3f} "
                      f"[{folds['song_accuracy_lo']:.3f}, {folds['song_accuracy_hi']:.3f}]")
            scores = (interval(test, "song_accuracy"), interval(test, "song_macro_f1"), spread)
        else:
            scores = (interval(metrics["valid"], "song_accuracy"), interval(test, "song_accuracy"),
                      interval(test, "song_macro_f1"))
        chance = chosen_on(metrics)[1]
        name = row["run"] if chance.get("above_chance", True) else (
            f"{row['run']} (no better than chance: {chance['majority_rate']:.3f})")
        cells = (name, row["model"], row["transform"], *scores, compared, str(test["n_songs"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_report(runs_dir: str | Path, out_md: str | Path, out_png: str | Path,
                 runs: Sequence[str], fusion_dir: str | Path | None = None,
                 headline_path: str | Path | None = None) -> list[dict]:
    """Write the summary table (Markdown), a figure of song accuracy with intervals and (given
    `headline_path`) the project's headline metrics."""
    rows = collect(runs_dir, runs, fusion_dir)
    split = chosen_on(rows[0]["metrics"])[0]
    if is_tagger(rows[0]["metrics"]):
        with atomic_open(out_md) as handle:
            handle.write(tagger_report(rows, split))
        figures.summary(rows, out_png)
        _write_headline(rows, headline_path)
        return rows
    with atomic_open(out_md) as handle:
        record = ("test is the record, never tuned on" if split == "valid" else
                  "every song is tested once, by the fold model that did not train on it; the "
                  "per-fold column is the spread of the k fold scores (t-interval of their mean)")
        handle.write(
            "# Results\n\n"
            f"Runs ranked by {split} song accuracy (the score to choose on); {record}. A song's "
            "prediction is the mean of its windows' probabilities. Intervals: 95 %, exact "
            "(Clopper-Pearson) for accuracies, bootstrap over songs for macro-F1. \"vs best\": "
            "exact McNemar test of each run against the first on the same test "
            "songs (songs only the best gets right vs songs only this run gets right); \"differs\" "
            f"when p < {SIGNIFICANCE}, \"cannot tell\" otherwise. \"No better than chance\": the "
            f"{split} interval reaches the rate of always answering the commonest class; "
            "`genrepipe predict` never picks such a run by default. `fusion`: the runs named in "
            "its transform column combined on their song probabilities as its model column says "
            "(`select`: the mean of the runs a greedy selection picked; `mean`: of every run; "
            "`stack`: a logistic regression on them), learnt on "
            + ("the other folds for each fold (nested)" if split == "cross-validated" else "valid")
            + ".\n\n")
        handle.write(summary_table(rows))
    figures.summary(rows, out_png)
    _write_headline(rows, headline_path)
    return rows


def _write_headline(rows: list[dict], headline_path: str | Path | None) -> None:
    if headline_path is not None:
        runs_only = [row["results"] for row in rows if row["run"] != FUSION]
        fusion = next((row["results"] for row in rows if row["run"] == FUSION), None)
        write_json(headline_path, project_headline(runs_only[0], fusion))
