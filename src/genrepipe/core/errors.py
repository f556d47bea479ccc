"""The project's own errors: each one is reported by a stage as a single line, no traceback,
shaped `<where>: <what> <problem>; <what is allowed, or what to do>`. Every parameter error is
built by `parameter_error`: `params.yaml: <key>=<value> <problem>; expected <allowed>`.

Running out of disk space or memory is not a bug either: `resource_message` finds it in an
exception (or what caused it) and words it as that one line.
"""

from __future__ import annotations

import errno
import os
from typing import Any

# write() failing because the disk, the user's quota or the file size limit (`ulimit -f`) is full
DISK_FULL = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
             errno.EFBIG: "file size limit reached (ulimit -f)"}


class GenrepipeError(Exception):
    """Base class of every error a stage reports as one line on stderr."""


class ParameterError(GenrepipeError, ValueError):
    """A parameter (params.yaml key or function argument) is missing, mistyped or out of range."""


class DataError(GenrepipeError):
    """Input data is unusable: a missing folder, an empty dataset, an unsafe archive."""


class ChecksumError(DataError):
    """A downloaded file does not have the expected hash."""


def parameter_error(key: str, value: Any, problem: str, allowed: str,
                    where: str = "params.yaml") -> ParameterError:
    """The one-line error of a bad parameter: `<where>: <key>=<value> <problem>; expected
    <allowed>` (`where`: params.yaml, or "command line" for a command's argument)."""
    return ParameterError(f"{where}: {key}={value!r} {problem}; expected {allowed}")


def resource_message(exc: BaseException) -> str | None:
    """One line for a full disk or an exhausted memory found in `exc` or its causes, else None.

    Libraries wrap such errors (TensorFlow raises its own error from a MemoryError in a data
    pipeline), so the chain of causes is searched, not only `exc`.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in DISK_FULL:
            where = f" writing {os.fsdecode(exc.filename)}" if exc.filename else ""
            return f"disk full: {DISK_FULL[exc.errno]}{where}; free space and run `dvc repro` again"
        if isinstance(exc, RuntimeError) and "can't start new thread" in str(exc):
            return ("out of memory: no room to start a thread (the memory limit, `ulimit -v`, or "
                    "the process limit, `ulimit -u`); raise it and run `dvc repro` again")
        if isinstance(exc, MemoryError) or (  # the dynamic loader could not map a library
                isinstance(exc, ImportError) and "failed to map segment" in str(exc)):
            return ("out of memory (the memory limit, `ulimit -v` or a container's, or the "
                    "machine's); free memory or raise the limit and run `dvc repro` again")
        exc = exc.__cause__ or exc.__context__
    return None
