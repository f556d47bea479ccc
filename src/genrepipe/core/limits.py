"""Training under an address-space limit (`ulimit -v`, RLIMIT_AS), as on shared machines.

TensorFlow reserves address space it never fills: a stack for each thread of its pools and, from
glibc, a 64 MiB malloc arena for each thread that allocates. Under a limit, thread creation then
fails inside TensorFlow's C++ code, which aborts the process with no message a user can act on
(measured on 2 cores with the CNN of `make faults`: it needed 2.4 GB of address space; at 1.5
to 2.1 GB it aborted). So, when a limit is set: the malloc arenas are capped at 2 (a little slower
allocation from many threads, the same results): the same training then ran in 1.5 GB (the check
below keeps a margin; the fault suite runs it at 1.7 GB), and
a limit below what TensorFlow needs to start ends the stage with one line before it loads.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import resource

from .errors import GenrepipeError
from .workspace import cores

M_ARENA_MAX = -8  # glibc mallopt parameter
MIB = 1 << 20


class MemoryLimitError(GenrepipeError, MemoryError):
    """The memory limit is too small for what the stage must load."""


def address_space_limit() -> int | None:
    """This process's address-space limit in bytes, or None when there is none."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return None if soft == resource.RLIM_INFINITY else soft


def tensorflow_needs() -> int:
    """Address space TensorFlow needs to start its thread pools, with capped arenas (measured:
    1.5 GB ran and 1.2 GB aborted on 2 cores; its pools grow with the cores)."""
    return (1408 + 64 * cores()) * MIB


def prepare_for_tensorflow() -> None:
    """Under an address-space limit: cap malloc arenas, and refuse (one line) a limit below
    `tensorflow_needs()`. Without a limit, nothing changes."""
    limit = address_space_limit()
    if limit is None:
        return
    libc = ctypes.util.find_library("c")
    if libc:
        ctypes.CDLL(libc).mallopt(M_ARENA_MAX, 2)
    if limit < tensorflow_needs():
        raise MemoryLimitError(
            f"out of memory: the address-space limit (ulimit -v) of {limit // MIB} MB is below the "
            f"{tensorflow_needs() // MIB} MB TensorFlow needs to start its threads on "
            f"{cores()} cores; raise it, or use a scikit-learn model")
