"""How `genrepipe predict` shows its answers: in a terminal, each song's classes ranked, or a
tagger's tags with their thresholds and which are decided; as JSON lines; as a CSV row per file."""

from __future__ import annotations

import json
from collections.abc import Callable


def rankings_text(predictions: list, top: int, width: int, describe: Callable) -> str:
    """Each song's path, `describe(prediction)`, then its `top` classes (or tags) ranked."""
    lines = []
    for p in predictions:
        lines.append(f"{p.path}  ({p.duration:.1f} s, {describe(p)})")
        for rank, (name, prob) in enumerate(p.ranking(top), start=1):
            lines.append(f"  {rank:>2}. {name:<{width}} {prob:6.1%}")
    return "\n".join(lines)


def tag_rows(prediction, thresholds: dict[str, float], top: int) -> list[dict]:
    """A song's tags by probability, each with its threshold and whether it is decided: every
    decided tag, and at least `top` tags."""
    ranked = prediction.ranking()
    shown = max(top, sum(prob >= thresholds[tag] for tag, prob in ranked))
    return [{"tag": tag, "probability": round(prob, 6), "threshold": round(thresholds[tag], 6),
             "decided": bool(prob >= thresholds[tag])} for tag, prob in ranked[:shown]]


def tags_text(predictions: list, thresholds: dict[str, float], top: int, describe: Callable) -> str:
    """Each song's decided tags, then its tags ranked with probability and threshold."""
    width = max(len(t) for t in thresholds)
    lines = []
    for p in predictions:
        rows = tag_rows(p, thresholds, top)
        decided = [r["tag"] for r in rows if r["decided"]]
        lines.append(f"{p.path}  ({p.duration:.1f} s, {describe(p)})")
        lines.append(f"  tags: {', '.join(decided) if decided else '(none reaches its threshold)'}")
        lines.append(f"      {'tag':<{width}}  probability  threshold")
        for rank, r in enumerate(rows, start=1):
            mark = "yes" if r["decided"] else ""
            lines.append(f"  {rank:>2}. {r['tag']:<{width}}  {r['probability']:11.1%}  {r['threshold']:9.1%}  {mark}")
    return "\n".join(lines)


def verdict_fields(verdict) -> dict:
    """A song's `unknown` and `novelty` (its distance outside the training songs' range as a
    multiple of the threshold) for JSON; nothing when no detector judged it."""
    if verdict is None:
        return {}
    return {"unknown": verdict.unknown, "novelty": verdict.ratio}


def verdict_line(verdict) -> str | None:
    """The table's line for a song judged unknown, above its ranking."""
    if verdict is None or not verdict.unknown:
        return None
    if verdict.ratio is None:
        return f"  {verdict.reason}"
    return (f"  {verdict.reason}: {verdict.ratio:.1f} times the threshold distance from them; the "
            "ranking below means little")


class Answers:
    """Where `genrepipe predict` puts each file's answer as it comes: the table (or one JSON object
    per line) on stdout, and, given a `csv` file object, one row per file, classified, silent or
    skipped (path, status, reason, unknown, novelty, the task's answer columns, every class's
    probability, the model used, windows, seconds). `unknown`: yes when the song is unlike the
    training songs (or silent); `novelty`: its distance outside their range over the threshold
    (> 1: unknown); both empty when no detector judged it."""

    def __init__(self, task, decider, model: str, classes: list[str], top: int, as_json: bool,
                 describe: Callable, csv=None, out=None):
        import sys

        self.task, self.decider, self.model, self.classes = task, decider, model, classes
        self.top, self.as_json, self.describe = top, as_json, describe
        self.out = out or sys.stdout
        self.writer = None
        if csv is not None:
            import csv as csv_module

            columns = ["path", "status", "reason", "unknown", "novelty", *task.answer_columns,
                       *(f"p_{c}" for c in classes), "model", "windows", "seconds"]
            self.writer = csv_module.DictWriter(csv, columns, lineterminator="\n")
            self.writer.writeheader()

    def song(self, prediction) -> None:
        verdict = prediction.verdict
        if self.as_json:
            self._print(json.dumps({"path": prediction.path, "status": "ok", "model": self.model,
                                    **verdict_fields(verdict),
                                    **self.task.answer(prediction, self.decider, self.top),
                                    "windows": prediction.n_windows,
                                    "seconds": round(prediction.duration, 3),
                                    "padded": prediction.padded}))
        else:
            text = self.task.song_text(prediction, self.decider, self.top, self.describe)
            line = verdict_line(verdict)
            if line:
                head, _, rest = text.partition("\n")
                text = f"{head}\n{line}\n{rest}"
            self._print(text)
        if self.writer is not None:
            self.writer.writerow({"path": prediction.path, "status": "ok",
                                  "reason": verdict.reason if verdict else "",
                                  **_verdict_columns(verdict),
                                  **self.task.answer_row(prediction, self.decider),
                                  **{f"p_{c}": f"{p:.6f}" for c, p in zip(self.classes, prediction.probs,
                                                                          strict=True)},
                                  "model": self.model, "windows": prediction.n_windows,
                                  "seconds": f"{prediction.duration:.3f}"})

    def silent(self, path: str, verdict) -> None:
        """A file of digital silence: unknown, without a ranking."""
        if self.as_json:
            self._print(json.dumps({"path": path, "status": "ok", "model": self.model,
                                    **verdict_fields(verdict), "reason": verdict.reason}))
        else:
            self._print(f"{path}\n{verdict_line(verdict)}")
        if self.writer is not None:
            self.writer.writerow({"path": path, "status": "ok", "reason": verdict.reason,
                                  **_verdict_columns(verdict), "model": self.model})

    def skipped(self, path: str, reason: str) -> None:
        if self.as_json:
            self._print(json.dumps({"path": path, "status": "skipped", "reason": reason}))
        if self.writer is not None:
            self.writer.writerow({"path": path, "status": "skipped", "reason": reason})

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def _verdict_columns(verdict) -> dict:
    if verdict is None:
        return {}
    return {"unknown": "yes" if verdict.unknown else "no",
            "novelty": "" if verdict.ratio is None else f"{verdict.ratio:.6f}"}


def labelled_text(record: dict) -> str:
    """`genrepipe evaluate`'s answer: the model, its song accuracy and macro-F1 with their
    intervals against chance, recall per class, and what was left apart."""
    lines = [f"{record['model']} on {record['folder']}: {record['n_songs']} songs",
             f"  song accuracy {record['song_accuracy']:.3f} [{record['song_accuracy_lo']:.3f}, "
             f"{record['song_accuracy_hi']:.3f}] (exact 95 % interval; always answering the commonest "
             f"class: {record['majority_rate']:.3f})",
             f"  song macro-F1 {record['song_macro_f1']:.3f} [{record['song_macro_f1_lo']:.3f}, "
             f"{record['song_macro_f1_hi']:.3f}] (bootstrap 95 % interval)",
             *([f"  calibration (ECE, 10 bins): {record['ece_calibrated']:.3f} "
                f"[{record['ece_calibrated_lo']:.3f}, {record['ece_calibrated_hi']:.3f}] with the model's "
                f"temperature ({record['temperature']:.2f}), {record['ece']:.3f} without"]
              if "ece" in record else []),
             "  recall per class:"]
    width = max(len(c) for c in record["song_recall"])
    for name, recall in record["song_recall"].items():
        lines.append(f"    {name:<{width}}  {recall:.3f}  ({record['song_support'][name]} songs)")
    if "unknown" in record:
        u = record["unknown"]
        lines.append(f"  unknown (unlike the training songs): {u['unknown']} of {u['songs']} songs, "
                     f"{u['rate']:.1%} [{u['rate_lo']:.1%}, {u['rate_hi']:.1%}] (scored as the others)")
    for name, count in record["unknown_classes"].items():
        lines.append(f"  {name}: {count} song{'s' if count != 1 else ''} of a class the model does not "
                     "know (not scored)")
    if record["skipped"]:
        lines.append(f"  {len(record['skipped'])} files skipped (evaluation.json lists them)")
    return "\n".join(lines)
