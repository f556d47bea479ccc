"""Registries whose entries live one per module, and which entries a stage computes with.

`models/entries/<name>.py` and `transforms/entries/<name>.py` each define ``ENTRY``; a
`Registry` discovers them (modules whose name starts with `_` hold what several entries share).

Why one module per entry: a DVC stage depends on the code that computes its outputs. Every stage
validates the whole params file at its start, which needs every entry's spec; were the entries
in one file, editing one model's defaults would change a dep of every stage and re-run the whole
DAG. With one module per entry, dvc.yaml lists for each stage only the entries it computes with,
and the dvc.yaml honesty test tells the two uses apart: lookups made while params are validated
(inside `validating()`) are not recorded, every other lookup is, and so is every entry whose
params block the stage reads (its spec filled in the defaults). `core.stage.write_trace` reports the
entry modules nobody computed with as validation imports, not deps.

Entry modules import only their own package's `_` modules and modules every stage imports anyway
(the entry dataclasses, `schema`, `errors`): `tests/test_dvc_graph.py` checks it.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

_validating = 0
REGISTRIES: list[Registry] = []


@contextlib.contextmanager
def validating() -> Iterator[None]:
    """Lookups inside this block check params; they are not a stage's compute use."""
    global _validating
    _validating += 1
    try:
        yield
    finally:
        _validating -= 1


class Registry(Mapping):
    """name -> entry, read from the modules of `package` (each defines ``ENTRY``, whose
    ``name`` is the module's name), in name order.

    `block` is the params block whose keys are entry names (`models`, `transforms`).
    """

    def __init__(self, package: str, block: str):
        self.package, self.block = package, block
        root = importlib.import_module(package)
        self._entries: dict[str, Any] = {}
        names = sorted(info.name for info in pkgutil.iter_modules(root.__path__))
        for name in names:
            module = importlib.import_module(f"{package}.{name}")
            if name.startswith("_"):
                continue
            entry = module.ENTRY
            if entry.name != name:  # a developer's slip, not a user's input
                raise RuntimeError(f"{module.__file__}: ENTRY is named {entry.name!r}; "
                                   f"expected {name!r} (the module's name)")
            self._entries[name] = entry
        self.modules = [f"{package}.{name}" for name in names]
        self.used: set[str] = set()
        REGISTRIES.append(self)

    def __getitem__(self, name: str):
        entry = self._entries[name]
        if not _validating:
            self.used.add(name)
        return entry

    def __contains__(self, name: object) -> bool:  # membership reads no entry
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def entries_read_to_validate(self) -> list[tuple[str, Any]]:
        """(name, entry) of every entry, looked up as params validation does (not a use)."""
        return list(self._entries.items())

    def specs(self) -> dict[str, Any]:
        """name -> params spec of every entry, for the params schema (a validation use)."""
        return {name: entry.spec for name, entry in self._entries.items()}

    def sources(self, name: str) -> set[str]:
        """The modules entry `name` is made of: its own and the `_` modules of the package it
        imports (directly or through one another)."""
        found, todo = set(), [f"{self.package}.{name}"]
        while todo:
            module = todo.pop()
            if module not in found:
                found.add(module)
                todo += package_imports(module, self.package)
        return found

    def compute_modules(self, reads: list[str]) -> set[str]:
        """The entry modules this process computed with: entries looked up outside validation,
        and entries whose params block was read (`reads`: dotted params keys)."""
        names = set(self.used)
        names |= {key.split(".")[1] for key in reads
                  if key.startswith(self.block + ".") and key.split(".")[1] in self._entries}
        return set().union(*(self.sources(name) for name in names))


def package_imports(module: str, package: str) -> list[str]:
    """The modules of `package` that `module` (one of them) imports relatively, read from its
    source (`from ._shared import x`, `from . import _shared`)."""
    path = Path(importlib.import_module(module).__file__)
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.append(f"{package}.{node.module}")
            else:
                found += [f"{package}.{alias.name}" for alias in node.names]
    return found


def validation_modules(reads: list[str]) -> set[str]:
    """Entry modules imported (every registry imports all of its own) that this process did not
    compute with: imported only to validate params."""
    imported = {module for registry in REGISTRIES for module in registry.modules}
    computed = set().union(*(registry.compute_modules(reads) for registry in REGISTRIES))
    return imported - computed
