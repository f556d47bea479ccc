"""What genrepipe offers, read from its registries: `genrepipe list`, and the README's tables
(a test keeps the README equal to `genrepipe list --markdown`)."""

from __future__ import annotations

from .models.registry import MODELS
from .schema import REQUIRED, Block, plain
from .transforms.registry import KINDS, TRANSFORMS


def _defaults(spec: Block) -> str:
    """`key=default` for every key of a params block (nested blocks in braces)."""
    parts = []
    for key, field in spec.fields.items():
        if isinstance(field, Block):
            parts.append(f"{key}={{{_defaults(field)}}}")
        elif field.default is not REQUIRED:
            value = plain(field.default)
            parts.append(f"{key}={'null' if value is None else value}")
    return ", ".join(parts)


def transform_rows() -> list[tuple[str, str, str, str]]:
    """(name, kind of output, what it is, params and defaults) per transform."""
    return [(e.name, e.kind, e.summary, _defaults(e.spec)) for e in TRANSFORMS.values()]


def model_rows() -> list[tuple[str, str, str, str, str]]:
    """(name, family, kinds accepted, what it is, params and defaults) per model."""
    return [(e.name, "scikit-learn" if e.family == "sklearn" else "Keras", ", ".join(e.accepts),
             e.summary, _defaults(e.spec)) for e in MODELS.values()]


def _legend() -> str:
    return "Kinds: " + "; ".join(f"{kind}: {what}" for kind, what in KINDS.items()) + "."


def markdown() -> str:
    """Both registries as Markdown tables."""
    lines = ["| transform | kind | what it is | params (defaults) |", "|---|---|---|---|"]
    lines += [f"| `{n}` | {k} | {s} | {d} |" for n, k, s, d in transform_rows()]
    lines += ["", "| model | family | takes | what it is | params (defaults) |", "|---|---|---|---|---|"]
    lines += [f"| `{n}` | {f} | {k} | {s} | {d} |" for n, f, k, s, d in model_rows()]
    return "\n".join(lines + ["", _legend()]) + "\n"


def text() -> str:
    """Both registries, for a terminal."""
    lines = ["Transforms (params.yaml `transforms.<name>`):"]
    lines += [f"  {n:<10} {k}: {s}\n  {'':<10} {d}" for n, k, s, d in transform_rows()]
    lines += ["", "Models (params.yaml `models.<name>`; a run pairs one with a transform):"]
    lines += [f"  {n:<10} {f}, takes {k}: {s}\n  {'':<10} {d}" for n, f, k, s, d in model_rows()]
    return "\n".join(lines + ["", _legend()]) + "\n"
