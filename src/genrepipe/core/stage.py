"""What every stage script shares: logging, the one-line error contract with DVC, registration
as a running stage of the project, and (for the dvc.yaml honesty test) a trace of what it read.

With `GENREPIPE_TRACE=<folder>` in the environment, a stage writes `<folder>/<stage>.json` when
it ends: the project files it imported to compute (`src/genrepipe/...`, `stages/...`), the entry
modules it imported only to validate params, and the params keys it read. `tests/test_dvc_graph.py` compares them with what `dvc.yaml` declares.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .errors import GenrepipeError, resource_message
from .section import READS
from .workspace import registered_stage

log = logging.getLogger("genrepipe")
TRACE_ENV = "GENREPIPE_TRACE"


def run_stage(name: str, main: Callable[[], object]) -> None:
    """Run a stage's `main`; the project's own errors, a full disk and exhausted memory end it
    with one line and exit status 1.

    Unexpected exceptions keep their traceback (they are bugs to report, not user errors).
    """
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    trace = os.environ.get(TRACE_ENV)
    if trace:
        READS.start()
    start = time.perf_counter()
    try:
        with registered_stage():
            main()
    except GenrepipeError as exc:
        print(f"genrepipe {name}: error: {exc}", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # a full disk or no memory left, maybe wrapped by a library
        message = resource_message(exc)
        if message is None:
            raise
        print(f"genrepipe {name}: error: {message}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print(f"genrepipe {name}: interrupted", file=sys.stderr)
        sys.exit(130)
    stage = os.environ.get("DVC_STAGE", name)  # DVC names a foreach stage: transform@mel
    if trace:
        write_trace(Path(trace) / f"{stage}.json")
    log.info("%s done in %.1f s", stage, time.perf_counter() - start)


def project_file(module: str) -> str:
    """The path of imported module `module` relative to the project (`src/genrepipe/...`)."""
    package = Path(sys.modules["genrepipe"].__file__).parent
    return f"src/genrepipe/{Path(sys.modules[module].__file__).relative_to(package).as_posix()}"


def imported_files() -> list[str]:
    """The project files this process imported: its script and every genrepipe module, as
    paths relative to the project (`stages/train.py`, `src/genrepipe/models/svc.py`)."""
    files = {project_file(name) for name, module in list(sys.modules.items())
             if (name == "genrepipe" or name.startswith("genrepipe.")) and getattr(module, "__file__", None)}
    script = Path(sys.argv[0])
    if script.suffix == ".py":
        files.add(Path(os.path.relpath(script.resolve(), Path.cwd().resolve())).as_posix())
    return sorted(files)


def write_trace(path: Path) -> None:
    """The project files imported to compute, those imported only to validate params (entry
    modules of models and transforms the stage did not use: `genrepipe.core.registry`), and the params
    read (by a stage that loaded params)."""
    params = READS.keys()
    entries = sys.modules.get("genrepipe.core.registry")
    validation = ({project_file(m) for m in entries.validation_modules(params)}
                  if entries is not None else set())
    modules = [f for f in imported_files() if f not in validation]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"modules": modules, "validation": sorted(validation),
                                "params": params}, indent=1) + "\n")
