"""Where an installed wheel keeps a pretrained network's files, found without importing the
package (basic-pitch's `__init__` looks for TensorFlow, CoreML and TFLite; musicnn's for
TensorFlow 1)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from ..core.errors import DataError


def package_folder(module: str, name: str, holds: str, install: str) -> Path:
    """The folder of the installed package `module` (distribution `name`, which holds `holds`).

    Raises
    ------
    DataError
        When it is not installed, naming the command that installs it (`install`).
    """
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):  # ValueError: a module without a spec stands in for it
        spec = None
    if spec is None or spec.origin is None:
        raise DataError(f"{name}: not installed (the package holds {holds}); install it: {install}")
    return Path(spec.origin).parent
