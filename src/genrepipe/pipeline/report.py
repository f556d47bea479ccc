"""The report stage: the runs of params.yaml side by side, chosen on valid, recorded on test.

Runs are ranked by their headline on the split that chooses (valid; k-fold: cross-validated,
every song tested once by a model that did not train on it); test scores stand beside it, with
their 95 % intervals, and every run is compared with the first on the same test songs. What the
headline is, how runs are compared and how the table reads is the task's (`evaluation.tasks`:
song accuracy and the exact McNemar test for genres, macro ROC-AUC and a paired bootstrap for
taggers). The stage also writes `metrics/headline.json` (the answer in a few DVC metrics); the
report stage's script writes the networks' training curves for `dvc plots`
(`reporting.curves_plot`) and the reliability diagrams of the best run and the fusion
(`write_reliability_plot`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..core.errors import parameter_error
from ..core.store import atomic_open, read_json, write_json
from ..evaluation.results import FUSION, RELIABILITY, chosen_on, project_headline, read_results
from ..evaluation.tasks.lookup import task_of_record
from ..reporting import figures


def collect(runs_dir: str | Path, runs: Sequence[str], fusion_dir: str | Path | None = None
            ) -> list[dict]:
    """The metrics, info, results and chosen-on scores of each run in `runs` (and of the fusion
    in `fusion_dir`, if given), best first (by the headline on the split that chooses, then
    name), each compared with the first (`versus_best`).

    Raises
    ------
    DataError
        When a run of `runs` has no metrics (its evaluate stage has not run), or two runs were
        scored on other songs.
    """
    runs_dir = Path(runs_dir)
    if not runs:
        raise parameter_error("runs", {}, "is empty", "at least one run to report")
    rows = []
    sources = [(runs_dir, name) for name in runs] + ([(Path(fusion_dir), FUSION)] if fusion_dir else [])
    for folder, name in sources:
        results = read_results(folder, name)
        rows.append({**results.info, "metrics": results.scores, "chosen": chosen_on(results.scores)[1],
                     "results": results})
    task = task_of_record(rows[0]["metrics"])
    rows.sort(key=lambda r: (-r["chosen"][task.headline_key], r["run"]))
    task.compare(rows)
    return rows


def summary_table(rows: list[dict]) -> str:
    """The table of `collect`'s rows, as the task writes it."""
    metrics = rows[0]["metrics"]
    return task_of_record(metrics).table(rows, chosen_on(metrics)[0])


def write_report(runs_dir: str | Path, out_md: str | Path, out_png: str | Path,
                 runs: Sequence[str], fusion_dir: str | Path | None = None,
                 headline_path: str | Path | None = None,
                 novelty_path: str | Path | None = None) -> list[dict]:
    """Write the summary (Markdown; with the novelty stage's metrics in `novelty_path`, how many
    songs it finds unlike the training songs), a figure of the headline with intervals and
    (given `headline_path`) the project's headline metrics."""
    rows = collect(runs_dir, runs, fusion_dir)
    task = task_of_record(rows[0]["metrics"])
    split = chosen_on(rows[0]["metrics"])[0]
    novelty = None if novelty_path is None else read_json(novelty_path, what="the novelty stage's metrics")
    with atomic_open(out_md) as handle:
        handle.write(task.report(rows, split))
        if novelty is not None:
            handle.write(unknown_paragraph(novelty))
    figures.summary(rows, out_png, task, split)
    if headline_path is not None:
        runs_only = [row["results"] for row in rows if row["run"] != FUSION]
        fusion = next((row["results"] for row in rows if row["run"] == FUSION), None)
        write_json(headline_path, {**project_headline(runs_only[0], fusion, task),
                                   **unknown_headline(novelty)})
    return rows


def write_reliability_plot(rows: list[dict], runs_dir: str | Path, fusion_dir: str | Path,
                           path: str | Path) -> None:
    """`metrics/plots/reliability.json`, for one `dvc plots` chart (the `reliability` template,
    `.dvc/plots/reliability.json`: a panel per model, raw and calibrated on the diagonal): the
    diagram points (`evaluation.calibration.write_reliability`) of the best run and the fusion
    among the report's `rows` (best first)."""
    best = next(row["run"] for row in rows if row["run"] != FUSION)
    chosen = [(Path(runs_dir) / best / RELIABILITY, best)]
    if any(row["run"] == FUSION for row in rows):
        chosen.append((Path(fusion_dir) / FUSION / RELIABILITY, FUSION))
    points = []
    for file, name in chosen:
        if file.is_file():
            points += [{"panel": f"{name}" + (" (best run)" if name == best else ""), **point}
                       for point in read_json(file, what=f"the reliability diagram of {name!r}")]
    write_json(path, points)


def unknown_headline(metrics: dict | None) -> dict:
    """`unknown_test`: the share of test songs the novelty stage finds unlike the training songs
    (none after k folds, where it is about 1 % by construction)."""
    test = (metrics or {}).get("novelty", {}).get("test")
    return {"unknown_test": round(test["rate"], 4)} if test else {}


def unknown_paragraph(metrics: dict) -> str:
    """The summary's word on songs unlike the training songs: how many of the record songs
    (test; k-fold: every song, held out) the novelty stage finds unknown, with the interval."""
    novelty = metrics["novelty"]
    split, rate = next((k, novelty[k]) for k in ("test", "all") if k in novelty)
    songs = "test songs" if split == "test" else "songs (each against the other folds)"
    return (f"\nUnknown (unlike the training songs; `genrepipe predict` marks such songs beside their "
            f"ranking): {rate['unknown']} of {rate['songs']} {songs}, {rate['rate']:.1%} "
            f"[{rate['rate_lo']:.1%}, {rate['rate_hi']:.1%}]; the threshold was set on "
            f"{novelty['set_on']} so that about 1 % of songs like the training songs pass it "
            "(metrics/novelty.json, models/novelty).\n")
