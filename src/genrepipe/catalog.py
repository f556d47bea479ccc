"""What genrepipe offers, read from its registries: `genrepipe list`, and the README's tables
(a test keeps the README equal to `genrepipe list --markdown`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .core.schema import REQUIRED, Block
from .core.section import plain
from .models.registry import MODELS
from .sources.registry import SOURCES
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


def source_rows() -> list[tuple[str, str, str]]:
    """(name, what it is, params and defaults of its own block) per source."""
    return [(e.name, e.summary, f"`dataset.{e.name}`: {_defaults(e.spec)}" if e.spec else "")
            for e in SOURCES.values()]


def _legend() -> str:
    return "Kinds: " + "; ".join(f"{kind}: {what}" for kind, what in KINDS.items()) + "."


def markdown() -> str:
    """The registries as Markdown tables: sources, transforms, models."""
    lines = ["| source | what it is | params (defaults) |", "|---|---|---|"]
    lines += [f"| `{n}` | {s} | {d} |" for n, s, d in source_rows()]
    lines += ["", "| transform | kind | what it is | params (defaults) |", "|---|---|---|---|"]
    lines += [f"| `{n}` | {k} | {s} | {d} |" for n, k, s, d in transform_rows()]
    lines += ["", "| model | family | takes | what it is | params (defaults) |", "|---|---|---|---|---|"]
    lines += [f"| `{n}` | {f} | {k} | {s} | {d} |" for n, f, k, s, d in model_rows()]
    return "\n".join(lines + ["", _legend()]) + "\n"


def text(width: int = 160) -> str:
    """The registries, for a terminal `width` columns wide."""
    def entry(name: str, head: str, defaults: str) -> list[str]:
        first, *rest = textwrap.wrap(head, width - 14) or [""]
        lines = [f"  {name:<11} {first}"] + [f"  {'':<11} {line}" for line in rest]
        return lines + [f"  {'':<11} {line}" for line in textwrap.wrap(defaults, width - 14)]

    lines = ["Sources (params.yaml `dataset.source`):"]
    for n, s, d in source_rows():
        lines += entry(n, s, d)
    lines += ["", "Transforms (params.yaml `transforms.<name>`):"]
    for n, k, s, d in transform_rows():
        lines += entry(n, f"{k}: {s}", d)
    lines += ["", "Models (params.yaml `models.<name>`; a run pairs one with a transform):"]
    for n, f, k, s, d in model_rows():
        lines += entry(n, f"{f}, takes {k}: {s}", d)
    return "\n".join(lines + [""] + textwrap.wrap(_legend(), width)) + "\n"


def trained_runs(runs_dir: Path, models_dir: Path) -> str:
    """The runs trained in this project (a model folder and scores), with their song accuracy
    (taggers: macro ROC-AUC) on the split that chooses (valid; k-fold: cross-validated) and on test, best first; "" if none."""
    from .evaluation.results import chosen_on, has_results, read_results
    from .evaluation.tasks.lookup import task_of_record

    rows, what = [], "song accuracy"
    for folder in sorted(p for p in models_dir.iterdir() if p.is_dir()) if models_dir.is_dir() else []:
        if has_results(runs_dir, folder.name):
            results = read_results(runs_dir, folder.name)
            split, scores = chosen_on(results.scores)
            task = task_of_record(results.scores)
            metric, what = task.headline_key, task.headline_name
            test = "" if split != "valid" else f"{results.scores['test'][metric]:.3f}"
            rows.append((folder.name, results.info["model"], results.info["transform"], split,
                         scores[metric], test))
    if not rows:
        return ""
    rows.sort(key=lambda r: (-r[4], r[0]))
    lines = [f"Trained runs ({models_dir}/, scores in {runs_dir}/; `genrepipe predict --run NAME`):",
             f"  {'run':<24} {'model':<12} {'transform':<12} {what:<26} test"]
    lines += [f"  {n:<24} {m:<12} {t:<12} {f'{v:.3f} ({s})':<26} {test}" for n, m, t, s, v, test in rows]
    return "\n".join(lines) + "\n"
