"""bench/faults.md: one table row per fault kind and stage, the totals, and how they were made."""

from __future__ import annotations

from .outcome import Row

HEADER = ("| fault | stage | injected | identical re-runs | data lost | failures without a "
          "one-line message | re-runs after `genrepipe repair` | `.partial` left | notes |\n"
          "|---|---|---|---|---|---|---|---|---|")


def table(rows: list[Row]) -> str:
    lines = [HEADER]
    for r in rows:
        notes = "; ".join(r.notes).replace("|", "\\|")
        lines.append(f"| {r.kind} | {r.stage} | {r.injected} | {r.identical} | {r.lost} | "
                     f"{r.unclear} | {r.repaired} | {r.leftover} | {notes} |")
    return "\n".join(lines)


def totals(rows: list[Row]) -> dict[str, int]:
    kills = [r for r in rows if r.kind.startswith("kill")]
    return {
        "injected": sum(r.injected for r in rows),
        "not identical": sum(r.injected - r.identical for r in rows),
        "lost": sum(r.lost for r in rows),
        "unclear": sum(r.unclear for r in rows),
        "repaired": sum(r.repaired for r in rows),
        "leftover": sum(r.leftover for r in rows),
        "min kills per stage": min((r.injected for r in kills), default=0),
        "disk-full points": sum(r.injected for r in rows if r.kind.startswith("disk")),
    }


def markdown(rows: list[Row], seed: int, seconds: float, setup: list[str]) -> str:
    t = totals(rows)
    return "\n".join([
        "# Fault figures",
        "",
        f"Written by `make faults` (`python bench/faults.py --seed {seed}`); seed {seed}; "
        f"{seconds / 60:.1f} minutes in all.",
        "",
        f"**{t['injected']} faults injected: {t['not identical']} re-runs not identical to the "
        f"uninterrupted run, {t['lost']} user or committed files lost, {t['unclear']} failures "
        f"without a one-line message; {t['repaired']} re-runs needed `genrepipe repair` first (a "
        f"dvc.lock DVC cut off), {t['leftover']} left a `.partial` folder it removes; "
        f"{t['min kills per stage']} or more kills in every stage, "
        f"{t['disk-full points']} disk-full points.**",
        "",
        table(rows),
        "",
        "## How",
        "",
        *[f"- {line}" for line in setup],
        "",
    ])
