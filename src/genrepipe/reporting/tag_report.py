"""The report's text for taggers (a multi-label task): the runs ranked by macro ROC-AUC,
then the best run's scores tag by tag, then every run's ROC-AUC per tag."""

from __future__ import annotations

from .tables import SIGNIFICANCE, interval


def _versus(row: dict) -> str:
    versus = row.get("versus_best")
    if versus is None:
        return "(best)"
    verdict = "differs" if versus["p_value"] < SIGNIFICANCE else "cannot tell"
    p = versus["p_value"]  # a bootstrap p-value: below one resample's share it reads as 0
    shown = f"p={p:.3f}" if p >= 0.001 else "p<0.001"
    return (f"{verdict} ({versus['difference']:+.3f} [{versus['difference_lo']:+.3f}, "
            f"{versus['difference_hi']:+.3f}], {shown})")


def summary_table(rows: list[dict], split: str) -> str:
    """One row per tagger, best first: macro ROC-AUC to choose on (`split`), the test record
    beside it."""
    kfold = split == "cross-validated"
    if kfold:
        columns = ("run", "model", "transform", "cross-validated macro ROC-AUC [95% CI]",
                   "macro PR-AUC [95% CI] (chance)", "macro F1", "per fold: mean ± std [95% CI]",
                   "best minus this", "songs")
    else:
        columns = ("run", "model", "transform", "valid macro ROC-AUC [95% CI]",
                   "test macro ROC-AUC [95% CI]", "test macro PR-AUC [95% CI] (chance)",
                   "test macro F1", "best minus this, on test", "test songs")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        metrics, test = row["metrics"], row["metrics"]["test"]
        pr = f"{interval(test, 'macro_pr_auc')} ({test['chance_pr_auc']:.3f})"
        if kfold:
            folds = metrics["folds"]
            spread = (f"{folds['macro_roc_auc_mean']:.3f} ± {folds['macro_roc_auc_std']:.3f} "
                      f"[{folds['macro_roc_auc_lo']:.3f}, {folds['macro_roc_auc_hi']:.3f}]")
            scores = (interval(test, "macro_roc_auc"), pr, f"{test['macro_f1']:.3f}", spread)
        else:
            valid = metrics.get("valid")  # none with dataset.ratios.valid: 0
            scores = (interval(valid, "macro_roc_auc") if valid else "-",
                      interval(test, "macro_roc_auc"), pr, f"{test['macro_f1']:.3f}")
        chosen = row["chosen"]
        name = row["run"] if chosen["above_chance"] else f"{row['run']} (no better than chance: 0.5)"
        lines.append("| " + " | ".join((name, row["model"], row["transform"], *scores,
                                         _versus(row), str(test["n_songs"]))) + " |")
    return "\n".join(lines) + "\n"


def per_tag_table(row: dict) -> str:
    """The scores of one run tag by tag on its record songs (test; k-fold: every song)."""
    test = row["metrics"]["test"]
    thresholds = row["metrics"]["thresholds"]
    columns = ("tag", "songs with it", "ROC-AUC [95% CI]", "PR-AUC [95% CI]", "chance PR-AUC",
               "threshold", "F1")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for tag, m in test["per_tag"].items():
        lines.append("| " + " | ".join((tag, str(m["positives"]), interval(m, "roc_auc"),
                                         interval(m, "pr_auc"), f"{m['prevalence']:.3f}",
                                         f"{thresholds[tag]:.3f}", f"{m['f1']:.3f}")) + " |")
    return "\n".join(lines) + "\n"


def tag_by_run_table(rows: list[dict]) -> str:
    """ROC-AUC of every run (columns, best first) on every tag (rows), record songs."""
    tags = list(rows[0]["metrics"]["test"]["per_tag"])
    lines = ["| tag | " + " | ".join(r["run"] for r in rows) + " |", "|" + "---|" * (len(rows) + 1)]
    for tag in tags:
        cells = []
        for row in rows:
            value = row["metrics"]["test"]["per_tag"][tag]["roc_auc"]
            cells.append("-" if value is None else f"{value:.3f}")
        lines.append(f"| {tag} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def report(rows: list[dict], split: str) -> str:
    """metrics/summary.md of a tagging project."""
    record = "test songs" if split == "valid" else "every song, cross-validated"
    best = rows[0]
    thresholds_from = ("valid" if split == "valid" else
                       "the other folds' cross-validated predictions, for each fold")
    how = ("test is the record, never tuned on" if split == "valid" else
           "every song is tested once, by the fold model that did not train on it")
    return (
        "# Results (multi-label tagging)\n\n"
        f"Taggers ranked by {split} macro ROC-AUC (the mean over tags of each tag's ROC-AUC; the "
        f"score to choose on); {how}. A song's tag probabilities "
        "are the mean of its windows'. Intervals: 95 % bootstrap over songs. PR-AUC is average "
        "precision; its chance level is the tags' mean prevalence. A tag is decided when its "
        f"probability reaches the tag's threshold, chosen to maximise its F1 on {thresholds_from}. "
        "\"best minus this\": the first run's macro ROC-AUC minus this run's on the same songs, "
        "with a paired bootstrap interval and p-value; \"differs\" when p < "
        f"{SIGNIFICANCE}. \"No better than chance\": the {split} macro ROC-AUC interval reaches "
        "0.5. `fusion`: the mean of the taggers named in its transform column.\n\n"
        + summary_table(rows, split)
        + f"\n## {best['run']}, tag by tag ({record})\n\n" + per_tag_table(best)
        + f"\n## ROC-AUC per tag and run ({record})\n\n" + tag_by_run_table(rows))
