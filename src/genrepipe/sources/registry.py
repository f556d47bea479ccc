"""The source registry: every source `dataset.source` can name, found in `sources/entries/`
(one module each, defining `ENTRY`), its songs collected by `genrepipe.sources.<name>`. The
params check, the download stage, a model's provenance and the README's table read it."""

from __future__ import annotations

from ..core.errors import ParameterError
from ..core.registry import Registry
from .entry import SourceEntry

SOURCES: Registry = Registry("genrepipe.sources.entries", block="dataset")


def get_source(name: str) -> SourceEntry:
    """The source named `name`.

    Raises
    ------
    ParameterError
        When no source has that name.
    """
    if name not in SOURCES:
        raise ParameterError(f"dataset.source={name!r} is not a source; expected one of: "
                             + ", ".join(SOURCES))
    return SOURCES[name]
