"""What every report table shares: one interval formatter and the significance level."""

from __future__ import annotations

SIGNIFICANCE = 0.05  # below it, "differs" (genre and tag reports alike)


def interval(m: dict, key: str) -> str:
    """`0.812 [0.701, 0.905]` from `key`, `key_lo`, `key_hi` of `m`; `-` without a value, the
    value alone without bounds (a bootstrap with no defined resample)."""
    lo, hi = m.get(key + "_lo"), m.get(key + "_hi")
    if m.get(key) is None:
        return "-"
    if lo is None or hi is None:
        return f"{m[key]:.3f}"
    return f"{m[key]:.3f} [{lo:.3f}, {hi:.3f}]"


def markdown(columns, lines) -> str:
    """A Markdown table of `columns` and rows of cells."""
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(cells) + " |" for cells in lines]
    return "\n".join(out) + "\n"
