"""How `genrepipe predict` shows its answers in a terminal: each song's classes ranked, or a
tagger's tags with their thresholds and which are decided."""

from __future__ import annotations

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
