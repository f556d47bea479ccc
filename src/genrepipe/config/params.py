"""The only reader of params.yaml: loads it, validates every key, and returns a typed view.

Validation runs in full before any stage touches a file, so a typo in a key nobody reads
yet still stops the pipeline with one line naming the key, the value and what is allowed.
The specs of transforms and models come from their registries; looking entries up to validate
is not computing with them (`core.registry.validating`): a stage depends only on the entries it uses.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import ParameterError
from ..core.registry import validating
from ..core.schema import (AnyMapping, Block, Choice, Flag, ListOf, MapOf, NamedMap, Number, Text, fail,
                     integer, positive)
from ..core.section import Section
from ..dataset.split import SPLITS
from ..evaluation.tasks.lookup import TASKS
from ..models.registry import MODELS, model_settings
from ..sources.registry import SOURCES
from ..transforms.entry import DTYPES, KINDS
from ..transforms.registry import TRANSFORMS

PARAMS_FILE = "params.yaml"
# A run's rows: one per window (a song's prediction: the mean of its windows'), or one per song
LEVELS = ("window", "song")
# How the fuse stage combines runs (genrepipe.pipeline.fuse): a greedy selection's mean, the mean
# of every run, a logistic regression on them side by side
FUSE_METHODS = ("select", "mean", "stack")

# Keys a stage reads that never change its outputs (where work runs, how fast, where a download
# comes from and how often it is retried; the archive's hash is what counts). They are not stage
# params in dvc.yaml, and the dvc.yaml honesty test allows reading them.
NOT_INPUTS = ("executor", *(f"dataset.{name}.{key}" for name, entry in SOURCES.entries_read_to_validate()
                            for key in entry.not_inputs))

EMBEDDING = Block(fields={
    "model": Text(),
    "layer": Text(),
    "input": AnyMapping(nullable=True, default=None),
    "dtype": Choice(choices=DTYPES, default="float32"),
})

SCHEMA = Block(fields={
    "seed": integer(min=0, max=2**32 - 1),
    "sample_rate": integer(min=1000, max=192000),
    "window": positive(max=600),
    "hop": positive(max=600, nullable=True, default=None),
    "dataset": Block(fields={
        "source": Choice(choices=tuple(SOURCES)),
        "path": Text(default="data/input"),
        "labels": Text(nullable=True, default=None),
        "task": Choice(choices=tuple(TASKS), default=next(iter(TASKS))),
        "offset": Number(min=0, default=0.0),
        "max_duration": positive(nullable=True, default=None),
        "group": Text(default="none"),
        "split": Choice(choices=("ratios", "kfold"), default="ratios"),
        "folds": integer(min=3, max=100, default=5),
        "ratios": Block(fields={name: Number(min=0, max=1) for name in SPLITS}),
        **{name: spec for name, spec in SOURCES.specs().items() if spec is not None},
    }),
    "segment": Block(fields={"short": Choice(choices=("pad", "skip"), default="pad")}),
    "augment": Block(fields={
        "copies": integer(min=0, max=100, default=0),
        "pitch_shift": Block(fields={"probability": Number(min=0, max=1, default=0.5),
                                     "semitones": Number(min=0, max=12, default=2.0)}),
        "time_stretch": Block(fields={"probability": Number(min=0, max=1, default=0.5),
                                      "rate": Number(min=0, max=0.5, default=0.1)}),
    }),
    "transforms": MapOf(specs=TRANSFORMS.specs()),
    "embeddings": NamedMap(item=EMBEDDING, min_len=0, default={}),
    "models": MapOf(specs=MODELS.specs(), min_len=0,
                    default={}),
    "runs": NamedMap(item=Block(fields={"model": Choice(choices=tuple(MODELS)),
                                        "transform": Text(),
                                        "level": Choice(choices=LEVELS, default="window")}),
                     min_len=0, default={}),
    "executor": Block(fields={
        "kind": Choice(choices=("local", "dask"), default="local"),
        "address": Text(prefixes=("tcp://", "tls://", "ws://", "wss://", "inproc://"), nullable=True,
                        default=None),
        "jobs": integer(min=1, max=512, nullable=True, default=None),
        "workers": integer(min=1, max=64, default=2),
    }),
    "train": Block(fields={"mixed_precision": Flag(default=False)}),
    "fuse": Block(fields={"method": Choice(choices=FUSE_METHODS, default="stack"),
                          "runs": ListOf(item=Text(), min_len=1, nullable=True, default=None)}),
})


def validate(raw: Any) -> Section:
    """Check a parsed params tree against the schema and the rules that span keys.

    Parameters
    ----------
    raw : mapping
        The parsed content of params.yaml.

    Returns
    -------
    Section
        The validated tree, defaults filled in.

    Raises
    ------
    ParameterError
        On the first problem, naming the key, the value and what is allowed.
    """
    with validating():
        return _validated(raw)


def _validated(raw: Any) -> Section:
    params = SCHEMA.check("", raw if raw is not None else {})
    _check_ratios(params.dataset.ratios)
    if params.executor.kind == "dask" and params.executor.address is None:
        raise fail("executor.address", None, "is required when executor.kind='dask'",
                   "the scheduler address, e.g. tcp://10.0.0.5:8786")
    if params.dataset.split == "kfold" and params.dataset.source == "gtzan":
        raise fail("dataset.split", "kfold", "is not used with dataset.source='gtzan'",
                   "'ratios' (GTZAN keeps its fault-filtered, artist-disjoint split)")
    _check_group(params.dataset.group)
    _check_task(params.dataset)
    window_samples = round(params.window * params.sample_rate)
    hop_samples = round(hop_seconds(params.window, params.hop) * params.sample_rate)
    for key, n_samples in (("window", window_samples), ("hop", hop_samples)):
        if n_samples < 1:
            raise fail(key, params[key], "is shorter than one sample",
                       "a duration >= 1 / sample_rate")
    for name, settings in params.transforms.items():
        check = TRANSFORMS[name].check
        if check is not None:
            check(settings, window_samples, params.sample_rate)
    for name, settings in params.embeddings.items():
        _check_embedding(name, settings, window_samples, params.sample_rate)
    for name, run in params.runs.items():
        _check_run(name, run, params)
    unknown = [name for name in params.fuse.runs or () if name not in params.runs]
    if unknown:
        raise fail("fuse.runs", list(params.fuse.runs), f"names {', '.join(unknown)}, not a run",
                   "null (every run) or some of: " + ", ".join(params.runs))
    if "fusion" in params.runs:
        raise fail("runs.fusion", params.runs.fusion.to_dict(), "has the name of the fusion stage's "
                   "result", "another run name")
    return params


def transform_kind(params: Section, name: str) -> str | None:
    """The kind of output of transform or embedding `name` (None: neither is configured)."""
    if name in params.transforms:
        return TRANSFORMS[name].kind
    return "vector" if name in params.embeddings else None


def _as_written(run: Section) -> dict:
    """A run's block for a message: `level` only when it is not the default."""
    return {k: v for k, v in run.to_dict().items() if k != "level" or v != LEVELS[0]}


def _check_run(name: str, run: Section, params: Section) -> None:
    """A run needs its transform computed, and a model that accepts that transform's kind."""
    kind = transform_kind(params, run.transform)
    if kind is None:
        raise fail(f"runs.{name}.transform", run.transform, "is not computed (no block in "
                   "transforms or embeddings)",
                   "one of: " + ", ".join([*params.transforms, *params.embeddings]))
    entry = MODELS[run.model]
    if kind not in entry.accepts:
        raise fail(f"runs.{name}", _as_written(run), f"pairs {run.model} with {run.transform} "
                   f"({KINDS[kind]})", f"a {run.model} transform giving "
                   + " or ".join(KINDS[k] for k in entry.accepts))
    if run.level == "song" and (entry.is_keras or entry.whole_windows):
        raise fail(f"runs.{name}.level", "song", f"is for models of one vector per window; "
                   f"{run.model} takes {'whole windows' if entry.whole_windows else 'windows in batches'}",
                   "window, or a scikit-learn model of vectors (svc, logreg, knn, ...)")
    problem = entry.check and entry.check(model_settings(params.models, run.model), kind)
    if problem:
        raise fail(f"runs.{name}", _as_written(run), f"pairs {run.model} with {run.transform} "
                   f"({KINDS[kind]}), but models.{run.model}: {problem}",
                   "a transform that fits the model's settings, or other settings")


def _check_embedding(name: str, settings: Section, window_samples: int, sample_rate: int) -> None:
    """An embedding's name must not hide a transform, and its `input` must be a transform."""
    if name in TRANSFORMS:
        raise fail(f"embeddings.{name}", settings.to_dict(), "has the name of a transform",
                   "a name other than: " + ", ".join(TRANSFORMS))
    if settings.input is None:
        return
    inner = settings.input.get("transform")
    if inner not in TRANSFORMS:
        raise fail(f"embeddings.{name}.input.transform", inner, "is not allowed",
                   "one of: " + ", ".join(TRANSFORMS))
    entry = TRANSFORMS[inner]
    inner_settings = entry.spec.check(f"embeddings.{name}.input",
                                      {k: v for k, v in settings.input.items() if k != "transform"})
    if entry.check is not None:
        entry.check(inner_settings, window_samples, sample_rate)


def _check_task(dataset: Section) -> None:
    """Labels files are read by the sources that say so; a task that needs tags needs a source
    whose songs carry tags, or a labels file."""
    with validating():
        source = SOURCES[dataset.source]
        readers = [name for name in SOURCES if SOURCES[name].reads_labels]
        taggers = [name for name in SOURCES if SOURCES[name].own_tags]
    if dataset.labels is not None and not source.reads_labels:
        raise fail("dataset.labels", dataset.labels, f"is not read by dataset.source={dataset.source!r}",
                   "null, or dataset.source=" + " or ".join(repr(n) for n in readers))
    if TASKS[dataset.task].needs_tags and not (source.own_tags or dataset.labels is not None):
        raise fail("dataset.task", dataset.task, f"has no tags to learn from dataset.source="
                   f"{dataset.source!r}" + (" without dataset.labels" if source.reads_labels else ""),
                   f"{next(iter(TASKS))!r}, or tags: dataset.source="
                   + " or ".join(repr(n) for n in taggers) + " (its own), or "
                   + " or ".join(f"dataset.source={n!r}" for n in readers)
                   + " with dataset.labels (a CSV with columns path and tags)")


def _check_group(group: str) -> None:
    if group in ("none", "folder"):
        return
    try:
        re.compile(group)
    except re.error as exc:
        raise fail("dataset.group", group, f"is not a valid regular expression ({exc})",
                   "none, folder, or a regular expression on the path below the class folder") from None


def _check_ratios(ratios: Section) -> None:
    total = sum(ratios.values())
    if abs(total - 1.0) > 1e-6:
        raise fail("dataset.ratios", ratios.to_dict(), f"sums to {total:g}",
                   "train + valid + test = 1")
    for name in ("train", "test"):
        if ratios[name] <= 0:
            raise fail(f"dataset.ratios.{name}", ratios[name], "is out of range", "a number > 0")


def dask_address(executor: Section) -> str | None:
    """The Dask scheduler to run per-song tasks on, or None to run them locally."""
    return executor.address if executor.kind == "dask" else None


def hop_seconds(window: float, hop: float | None) -> float:
    """The hop in seconds: `hop`, or `window` when hop is null."""
    return window if hop is None else hop


def load_params(path: str | os.PathLike = PARAMS_FILE) -> Section:
    """Read and validate params.yaml; reads of the result are recorded when tracing.

    Raises
    ------
    ParameterError
        When the file is missing, is not YAML, or fails validation.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ParameterError(f"{path}: file not found; expected params.yaml in the "
                             "project root (run stages from there)") from None
    except yaml.YAMLError as exc:
        problem = str(exc).replace("\n", " ")
        raise ParameterError(f"{path}: not valid YAML ({problem})") from None
    return validate(raw).track()
