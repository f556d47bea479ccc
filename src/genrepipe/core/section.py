"""A validated params block (`Section`) and the record of which params keys a stage read.

`genrepipe.core.schema` checks params and returns Sections; this module only remembers reads, for
the dvc.yaml honesty check (`genrepipe.core.stage` starts recording when GENREPIPE_TRACE is set):
which params does each stage really read?
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger("genrepipe")


class ReadRecord:
    """Dotted keys of values read from tracked sections, and of the blocks reached on the way;
    nothing is recorded until `start()`."""

    def __init__(self):
        self.on = False
        self.values: set[str] = set()
        self.blocks: set[str] = set()

    def start(self) -> None:
        self.on = True

    def add(self, dotted: str, is_block: bool) -> None:
        if self.on:
            (self.blocks if is_block else self.values).add(dotted)

    def keys(self) -> list[str]:
        """The keys read, sorted: every value read, and every block reached with nothing read
        inside it (it may have been used whole, e.g. by `json.dumps`)."""
        keys = set(self.values)
        keys |= {block for block in self.blocks
                 if not any(key.startswith(block + ".") for key in keys | self.blocks)}
        return sorted(keys)


READS = ReadRecord()


class Section(dict):
    """A validated block: a plain dict that also allows attribute access (`p.dataset.source`).

    `_key` is the block's dotted key. Once `track()`ed, reading a key (`p.window`, `p["window"]`,
    `p.get("window")`) records the key, and reading the whole block (`items()`, `values()`,
    `to_dict()`) records the block, while recording is on.
    """

    def __init__(self, data=(), path: str = "", renamed: Mapping[str, str] | None = None):
        super().__init__(data)
        self._key = path  # attributes start with _: they never hide a params key
        self._tracked = False
        self._renamed = dict(renamed or {})  # new key -> the deprecation line, said on first read

    def track(self) -> Section:
        """Record reads of this block and of every block inside it (returns self)."""
        self._tracked = True
        for value in dict.values(self):
            if isinstance(value, Section):
                value.track()
        return self

    def _read(self, key: str | None = None) -> None:
        if key in self._renamed:  # the user's params.yaml still has the old name: say so once
            log.warning("%s", self._renamed.pop(key))
        if self._tracked:
            child = dict.get(self, key) if key is not None else None
            READS.add(".".join(p for p in (self._key, key) if p), isinstance(child, Section))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        self._read(key)
        return dict.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        return default

    def items(self):
        self._read()
        return dict.items(self)

    def __iter__(self):  # iterating over the keys reads the block (`list(params.runs)`)
        self._read()
        return dict.__iter__(self)

    def keys(self):
        self._read()
        return dict.keys(self)

    def values(self):
        self._read()
        return dict.values(self)

    def to_dict(self) -> dict:
        """A plain, YAML/JSON-ready copy (tuples become lists)."""
        self._read()
        return {k: plain(v) for k, v in dict.items(self)}

    def __copy__(self) -> Section:
        copied = Section(dict.items(self), self._key)
        copied._tracked = self._tracked
        return copied

    def __reduce__(self):  # pickles (to worker processes) as a plain, untracked section
        return (Section, (dict(dict.items(self)), self._key))


def plain(value: Any) -> Any:
    """A plain, YAML/JSON-ready copy of a params value (mappings as dicts, tuples as lists)."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    return value
