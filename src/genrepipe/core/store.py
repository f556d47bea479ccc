"""Files on disk, written so that a crash never leaves a half-written output behind.

Every file is written under a temporary name in its final folder and renamed into place
(`os.replace` is atomic on one filesystem). A stage builds its whole output folder under a
`.partial` name and renames it when done, so a failed or killed stage leaves no output
folder that looks complete.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from .errors import DataError

PARTIAL_SUFFIX = ".partial"
INDEX = "index.json"  # the index every stage writes next to its per-song files
SONGS = "songs.csv"  # next to a run's metrics: every evaluated song and its prediction


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path next to `path`; rename it to `path` if the block succeeds.

    Examples
    --------
    >>> with atomic_path(out / "song.wav") as tmp:   # doctest: +SKIP
    ...     soundfile.write(tmp, y, sr, format="WAV")
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file next to `path` and rename it to `path` once closed without error."""
    with atomic_path(path) as tmp:
        newline = "" if "b" not in mode else None
        with open(tmp, mode, newline=newline) as handle:
            yield handle


def save_array(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write one `.npy` file atomically.

    NumPy reports a short write (a full disk, the file size limit) as a bare OSError without its
    cause; the cause is found by writing one more byte where the write stopped, so that the
    stage can say the disk is full.
    """
    with atomic_open(path, "wb") as handle:
        try:
            np.save(handle, array, allow_pickle=False)
        except OSError as exc:
            if exc.errno is not None:
                raise
            raise _write_failure(handle) or exc from None


def _write_failure(handle: IO) -> OSError | None:
    """The error a write at the end of `handle` gives now (ENOSPC, EFBIG...), or None."""
    try:
        handle.flush()
        os.write(handle.fileno(), b"\0")
    except OSError as exc:
        exc.filename = exc.filename or handle.name
        return exc
    return None


def load_array(path: str | os.PathLike, mmap: bool = True) -> np.ndarray:
    """Read a `.npy` file, memory-mapped by default (nothing is loaded until indexed).

    Raises
    ------
    DataError
        When the file is missing or damaged (truncated, not a `.npy`), naming it.
    """
    try:
        return np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except FileNotFoundError:
        raise DataError(f"{path}: not found; re-run `dvc repro` (or `dvc checkout`) to "
                        "restore it") from None
    except (ValueError, OSError, EOFError) as exc:
        raise DataError(f"{path}: not a readable .npy file ({exc}); re-run `dvc repro` "
                        "(`dvc status` shows what changed)") from None


def write_json(path: str | os.PathLike, data: Any) -> None:
    """Write JSON atomically, keys in insertion order, with a trailing newline."""
    with atomic_open(path) as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")


def read_json(path: str | os.PathLike, what: str = "a JSON file") -> Any:
    """Read a JSON file; a missing or damaged one is a DataError that names it and says
    `what` was expected there."""
    try:
        with open(path) as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise DataError(f"{path}: not found; expected {what} (run `dvc repro`)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not valid JSON ({exc}); expected {what}") from None


def write_csv(path: str | os.PathLike, columns: Sequence[str],
              rows: Iterable[Mapping[str, Any]]) -> None:
    """Write rows (mappings) as CSV with a header, atomically."""
    with atomic_open(path) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row[key] for key in columns})


def read_csv(path: str | os.PathLike, what: str = "a CSV file",
             columns: Sequence[str] = ()) -> list[dict[str, str]]:
    """Read a CSV file with a header into a list of dicts (values are strings); a missing one,
    or a damaged one (a row cut off, no header, no column of `columns`), is a DataError that
    names it and says `what` was expected there."""
    try:
        with open(path, newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or ()
            rows = []
            for row in reader:
                if None in row or None in row.values():  # fewer or more fields than the header
                    raise DataError(f"{path}: line {reader.line_num} does not have the header's "
                                    f"{len(header)} fields (cut off?); expected {what} "
                                    "(re-run `dvc repro`)")
                rows.append(row)
    except FileNotFoundError:
        raise DataError(f"{path}: not found; expected {what} (run `dvc repro`)") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not a readable CSV file ({exc}); expected {what}") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(f"{path}: no column {', '.join(missing)} (empty or cut off?); expected "
                        f"{what} (re-run `dvc repro`)")
    return rows


def display_path(path: str | os.PathLike) -> str:
    """A path as text any file can hold: bytes of its name that are not UTF-8 (Python keeps them
    as surrogates) are written as backslash escapes, e.g. ``caf\\xe9.wav`` for Latin-1 ``café.wav``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def md5_file(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """The hex md5 digest of a file's bytes."""
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def staging_dir(final: str | os.PathLike) -> Iterator[Path]:
    """Build a stage's output folder under `<final>.partial`, then move it to `final`.

    A leftover `.partial` folder from a killed run is ours and is cleared first. On an error the
    partial folder is removed and `final` is left as it was. The yielded path is absolute, so
    tasks running elsewhere (Dask workers with another working directory) write to the same place.
    """
    final = Path(final).resolve()
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if final.exists():
        shutil.rmtree(final)
    os.replace(partial, final)
