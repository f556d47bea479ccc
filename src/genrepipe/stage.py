"""What every stage script shares: logging setup and the one-line error contract with DVC."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from .errors import GenrepipeError

log = logging.getLogger("genrepipe")


def run_stage(name: str, main: Callable[[], object]) -> None:
    """Run a stage's `main`; the project's own errors end it with one line and exit status 1.

    Unexpected exceptions keep their traceback (they are bugs to report, not user errors).
    """
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    start = time.perf_counter()
    try:
        main()
    except GenrepipeError as exc:
        print(f"genrepipe {name}: error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"genrepipe {name}: interrupted", file=sys.stderr)
        sys.exit(130)
    log.info("%s done in %.1f s", name, time.perf_counter() - start)
