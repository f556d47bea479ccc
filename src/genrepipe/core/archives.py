"""Byte-stable model archives: the same model gives the same file, whenever and wherever saved.

Keras and skops both save zip archives that carry the moment and the process they were saved
in: Keras writes `date_saved` into `metadata.json`, numbers shared objects in `config.json`
after their `id()` in memory and stamps the weights member with the current time; skops names
its array members and memo ids after `id()` too and stamps every member with the current time. DVC hashes model folders, so each re-run would look
like a new model. These functions rewrite such an archive canonically (fixed member times,
ids renumbered in order of first appearance), as reproducible-build tools do; the rewritten
archive loads with the library's own loader as before.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import DataError
from .store import atomic_path

# The earliest time a zip member can carry; any fixed value would do.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _rewrite(path: Path, members: list[tuple[str, int, bytes]]) -> None:
    """Write `members` (name, compression, bytes), in this order, to `path` atomically, each
    stamped with ZIP_EPOCH."""
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as out:
        for name, compress_type, data in members:
            fixed = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            fixed.compress_type = compress_type
            fixed.external_attr = 0o644 << 16
            out.writestr(fixed, data)


def _renumbered(node: Any, key: str, names: dict, make: Callable[[Any, int], Any]) -> Any:
    """A copy of a JSON tree where each value `v` found under `key` (and in `names`, or new to
    it) becomes ``make(v, rank of its first appearance)``; equal values stay equal, so shared
    objects stay shared. `names` collects the mapping."""
    if isinstance(node, list):
        return [_renumbered(item, key, names, make) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k == key and isinstance(v, (int, str)):
            out[k] = names.setdefault(v, make(v, len(names)))
        else:
            out[k] = _renumbered(v, key, names, make)
    return out


def _rank(value: Any, rank: int) -> int:
    return rank


def canonical_keras(path: str | os.PathLike) -> None:
    """Rewrite a `.keras` file without its save date, with shared-object ids renumbered and
    fixed member times."""
    path = Path(path)
    members = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info)
            if info.filename == "metadata.json":
                metadata = json.loads(data)
                metadata.pop("date_saved", None)
                data = json.dumps(metadata).encode()
            elif info.filename == "config.json":
                data = json.dumps(_renumbered(json.loads(data), "shared_object_id", {}, _rank)).encode()
            members.append((info.filename, info.compress_type, data))
    _rewrite(path, members)


def canonical_skops(path: str | os.PathLike) -> None:
    """Rewrite a `.skops` file with `__id__` memo ids and array file names numbered in order of
    first appearance in its schema (so shared objects stay shared), and fixed member times."""
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        contents = {name: archive.read(name) for name in infos}
    schema = _renumbered(json.loads(contents["schema.json"]), "__id__", {}, _rank)
    files: dict[str, str] = {}  # array members are named in the schema's "file" fields
    schema = _renumbered(schema, "file", files, lambda old, rank: f"{rank:06d}{Path(old).suffix}")
    if set(files) != set(contents) - {"schema.json"}:  # not a layout we know how to rewrite
        raise DataError(f"{path}: the members {sorted(contents)} are not those its schema names "
                        f"({sorted(files)}); cannot canonicalise it (expected the layout of the "
                        "pinned skops version: reinstall with `make venv`)")
    members = [("schema.json", infos["schema.json"].compress_type,
                json.dumps(schema, indent=2).encode())]
    members += [(new, infos[old].compress_type, contents[old]) for old, new in files.items()]
    _rewrite(path, members)
