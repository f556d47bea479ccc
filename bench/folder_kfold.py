"""Measure runs on your own folder of songs with k-fold cross-validation, in a scratch clone.

    python bench/folder_kfold.py /path/to/folder [--runs svc-mfcc musicnn-ft ...]
        [--set models.cnn2d.epochs=50 ...] [--folds 5] [--workdir /tmp/genrepipe-kfold]

The project's committed HEAD is cloned into `--workdir` (kept between calls and reset to the
project's HEAD, so a second call re-runs only what changed), params.yaml there gets `dataset.source: folder`, the folder,
`dataset.split: kfold`, the chosen runs (default runs, plus `musicnn-ft`: the fine-tuned
musicnn) and only the transforms they need, then `dvc repro` runs with this Python. The
ranked table (metrics/summary.md) is printed; `--set` takes dotted keys with YAML values.
Nothing in this project changes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXTRA_RUNS = {"musicnn-ft": {"model": "musicnn", "transform": "musicnn_mel"}}


def configure(params: dict, folder: Path, folds: int, runs: list[str] | None,
              settings: list[str]) -> dict:
    """params.yaml of the scratch clone."""
    params["dataset"].update(source="folder", path=str(folder), split="kfold", folds=folds)
    known = {**params["runs"], **EXTRA_RUNS}
    chosen = runs or list(known)
    unknown = [name for name in chosen if name not in known]
    if unknown:
        sys.exit(f"--runs: unknown run(s) {', '.join(unknown)}; expected some of: {', '.join(known)}")
    params["runs"] = {name: known[name] for name in chosen}
    needed = {run["transform"] for run in params["runs"].values()}
    params["transforms"] = {name: block for name, block in params["transforms"].items()
                            if name in needed}
    params["transforms"].update({name: {} for name in needed - set(params["transforms"])})
    for item in settings:
        key, _, value = item.partition("=")
        *parents, last = key.split(".")
        block = params
        for name in parents:
            block = block.setdefault(name, {})
        block[last] = yaml.safe_load(value)
    return params


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="one sub-folder of songs per class")
    parser.add_argument("--runs", nargs="+", help="run names (default: the default runs and musicnn-ft)")
    parser.add_argument("--set", nargs="+", default=[], metavar="KEY=VALUE", help="params overrides")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/genrepipe-kfold"))
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        sys.exit(f"{args.folder}: not a folder; expected one sub-folder of songs per class")
    work = args.workdir
    if not (work / ".git").is_dir():
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(work)], check=True)
    else:  # a scratch clone: take the project's HEAD whatever the last run wrote (DVC's run
        # cache restores the outputs of stages that did not change)
        subprocess.run(["git", "-C", str(work), "fetch", "--quiet", str(ROOT), "HEAD"], check=True)
        subprocess.run(["git", "-C", str(work), "reset", "--hard", "--quiet", "FETCH_HEAD"], check=True)
        subprocess.run(["git", "-C", str(work), "clean", "-fdq", "metrics"], check=True)
    params_file = work / "params.yaml"
    params = configure(yaml.safe_load(params_file.read_text()), args.folder.resolve(), args.folds,
                       args.runs, args.set)
    params_file.write_text(yaml.safe_dump(params, sort_keys=False))
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"],
           "PYTHONPATH": str(work / "src")}
    subprocess.run([str(Path(bin_dir) / "dvc"), "repro"], cwd=work, env=env, check=True)
    print((work / "metrics/summary.md").read_text())


if __name__ == "__main__":
    main()
