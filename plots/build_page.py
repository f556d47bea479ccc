"""Build plots/page.html: DVC's plots page with vega, vega-lite and vega-embed inlined, so
`dvc plots show` renders offline (`.dvc/config` sets it as `plots.html_template`).

DVC's own page loads the three libraries from a CDN; this one carries the same versions DVC's
vega renderer names (dvc-render 1.0: vega 5.20.2, vega-lite 5.2.0, vega-embed 6.18.2), taken
from the npm registry (`npm pack`) and checked against their sha256. Leaving out DVC's
`{scripts}` placeholder drops the CDN tags; `{plot_divs}` is where DVC puts the plots.

Run it only to change a version: `python plots/build_page.py` (needs npm and the registry).
All three are BSD-3-Clause licensed (University of Washington Interactive Data Lab); the
licences are copied into the page.
"""

from __future__ import annotations

import hashlib
import subprocess
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# package, version, the bundle inside the npm tarball, sha256 of the bundle
BUNDLES = (
    ("vega", "5.20.2", "package/build/vega.min.js",
     "4794d0169cb1f3ebad8117fe98ba5bd652dd725905ec0384e832391dbccb03be"),
    ("vega-lite", "5.2.0", "package/build/vega-lite.min.js",
     "d73157451b3978015ab31dacd55ff90d986ab8663fc0abed50f97b3cd90002cb"),
    ("vega-embed", "6.18.2", "package/build/vega-embed.min.js",
     "1ba9826431ddc9805e815ad92acc811c819f2bfd32bda2a128b8c4b5070fab5e"),
)

PAGE = """<!DOCTYPE html>
<html>
<head>
    {{refresh_tag}}
    <meta charset="utf-8">
    <title>genrepipe: DVC plots</title>
{scripts}
    <style>
        body {{ font-family: sans-serif; }}
        table {{ border-spacing: 15px; }}
    </style>
</head>
<body>
    {{plot_divs}}
</body>
</html>
"""


def bundle(workdir: Path, package: str, version: str, member: str, sha256: str) -> tuple[str, str]:
    """The bundle's text and its licence, from the package's npm tarball."""
    subprocess.run(["npm", "pack", "--silent", f"{package}@{version}"], cwd=workdir, check=True,
                   capture_output=True)
    with tarfile.open(workdir / f"{package}-{version}.tgz") as archive:
        code = archive.extractfile(member).read()
        licence = archive.extractfile("package/LICENSE").read().decode()
    found = hashlib.sha256(code).hexdigest()
    if found != sha256:
        raise SystemExit(f"{package}@{version}: {member} has sha256 {found}; expected {sha256}")
    text = code.decode()
    if "</script" in text:
        raise SystemExit(f"{package}@{version}: the bundle holds '</script'; it cannot be inlined")
    return text, licence


def main() -> None:
    scripts = []
    with tempfile.TemporaryDirectory() as tmp:
        for package, version, member, sha256 in BUNDLES:
            code, licence = bundle(Path(tmp), package, version, member, sha256)
            scripts.append(f"    <!-- {package} {version} (npm), {member}\n{licence.strip()}\n    -->\n"
                           f"    <script>{code}</script>")
    (HERE / "page.html").write_text(PAGE.format(scripts="\n".join(scripts)))
    print(f"wrote {HERE / 'page.html'}")


if __name__ == "__main__":
    main()
