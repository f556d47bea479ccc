"""What a source entry is (`SourceEntry`) and what a source's `collect` is given and returns.
The entries themselves live one per module in `sources/entries/` (see `genrepipe.core.registry`);
each names the module that collects its songs, `genrepipe.sources.<name>`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.schema import Block


@dataclass(frozen=True)
class SourceEntry:
    """A source of songs, as params, the download stage, provenance and the README see it.

    Attributes
    ----------
    name : str
        `dataset.source`'s value, and the name of its modules.
    summary : str
        What it is (the README's sources table).
    spec : Block or None
        Its own params block, `dataset.<name>` (None: it reads only the shared keys).
    origin_prefix : str or None
        How the manifest's `source` column starts for its songs (`demo:`, the archive's name);
        None for a source whose origins are file paths (the folder source, the fallback).
    location : str
        How a model folder names where its songs came from; `{origins}` is replaced by the
        distinct origins (a path-origin source: the folder holding the class folders).
    split_name : str
        What its fixed split is called (`ratios`, or a source's own published split).
    own_tags : bool
        Its songs carry tags of their own (a multi-label task can learn them).
    reads_labels : bool
        It reads `dataset.labels` (a labels file with a label or tags per song).
    not_inputs : tuple of str
        Keys of its block that never change an output (URLs, retries, a cache folder): read
        without being params of the download stage.
    """

    name: str
    summary: str
    spec: Block | None = None
    origin_prefix: str | None = None
    location: str = "{origins}"
    split_name: str = "ratios"
    own_tags: bool = False
    reads_labels: bool = False
    not_inputs: tuple[str, ...] = field(default_factory=tuple)

    @property
    def module(self) -> str:
        """The module whose `collect(request)` gives the songs."""
        return f"genrepipe.sources.{self.name}"


@dataclass
class Request:
    """What a source's `collect` is given: the `dataset` params block, the folder to write
    canonical WAV into, the sample rate and seed, the task, and how to run per-song work
    (`run(function, items, desc)`, in worker processes or on a Dask cluster; `decode(jobs)`
    decodes `dataset.convert.ConvertJob`s with the shared offset and duration)."""

    dataset: Any
    raw_dir: Path
    sr: int
    seed: int
    task: Any
    run: Callable
    decode: Callable


@dataclass
class Collected:
    """What a source's `collect` returns: a `Song` or a `Skip` per file it tried, the files it
    skipped before trying, and (a source with its own published split) each song's split."""

    results: list
    skipped: list
    fixed_split: dict[str, str] | None = None
