"""The report's text for genre runs (a class a song): the runs ranked by song accuracy, valid
beside test (k-fold: cross-validated, with the spread over folds), each compared with the first
by the exact McNemar test."""

from __future__ import annotations

from .tables import SIGNIFICANCE, interval, markdown


def summary_table(rows: list[dict], split: str) -> str:
    """A Markdown table, one row per run, best first. With a valid split: valid and test side by
    side; with k folds (`split`: cross-validated): the cross-validated scores and the spread over
    folds."""
    kfold = split == "cross-validated"
    if kfold:
        columns = ("run", "model", "transform", "cross-validated song acc. [95% CI]",
                   "song macro-F1 [95% CI]", "per fold: mean ± std [95% CI]", "ECE → calibrated",
                   "vs best", "songs")
    else:
        columns = ("run", "model", "transform", "valid song acc. [95% CI]",
                   "test song acc. [95% CI]", "test song macro-F1 [95% CI]", "test ECE → calibrated",
                   "vs best on test", "test songs")
    lines = []
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
        chance = row["chosen"]
        name = row["run"] if chance.get("above_chance", True) else (
            f"{row['run']} (no better than chance: {chance['majority_rate']:.3f})")
        ece = f"{test['ece']:.3f} → {test['ece_calibrated']:.3f}" if "ece" in test else "-"
        cells = (name, row["model"], row["transform"], *scores, ece, compared, str(test["n_songs"]))
        lines.append(cells)
    return markdown(columns, lines)


def report(rows: list[dict], split: str) -> str:
    """metrics/summary.md of a genre project: how to read it, then the table."""
    record = ("test is the record, never tuned on" if split == "valid" else
              "every song is tested once, by the fold model that did not train on it; the "
              "per-fold column is the spread of the k fold scores (t-interval of their mean)")
    return (
        "# Results\n\n"
        f"Runs ranked by {split} song accuracy (the score to choose on); {record}. A song's "
        "prediction is the mean of its windows' probabilities. Intervals: 95 %, exact "
        "(Clopper-Pearson) for accuracies, bootstrap over songs for macro-F1. "
        "ECE: expected calibration error of the top probability (10 bins; 0 when a model's "
        "probabilities mean what they say), of the model's own probabilities and after "
        "temperature scaling learnt on "
        + ("the other folds (nested)" if split == "cross-validated" else "valid")
        + (" (each fold by its own temperature; `genrepipe predict` applies the one learnt on "
           "every song to the mean of the fold models)" if split == "cross-validated" else
           " (what `genrepipe predict` prints)") + "; intervals in scores.json. \"vs best\": "
        "exact McNemar test of each run against the first on the same test "
        "songs (songs only the best gets right vs songs only this run gets right); \"differs\" "
        f"when p < {SIGNIFICANCE}, \"cannot tell\" otherwise. \"No better than chance\": the "
        f"{split} interval reaches the rate of always answering the commonest class; "
        "`genrepipe predict` never picks such a run by default. `fusion`: the runs named in "
        "its transform column combined on their song probabilities as its model column says "
        "(`select`: the mean of the runs a greedy selection picked; `mean`: of every run; "
        "`stack`: a logistic regression on them), learnt on "
        + ("the other folds for each fold (nested)" if split == "cross-validated" else "valid")
        + ".\n\n" + summary_table(rows, split))
