"""What checking the folder source costs at each `dvc repro`: stage scan (which lists the folder
for `download`, see genrepipe.pipeline.scan) on a folder of N songs (30 s WAV files), against the
same stage with the demo source (nothing to walk), in a scratch clone of the committed HEAD.

Three figures: the wall time of `dvc repro data/dvc.yaml:scan` (the scan alone, DVC's start
included) with the folder untouched and after a song was added, and `dvc status` (which never
reads the folder: it names scan as always changed). Run by `make bench`, or alone:
`python bench/folder_scan.py --songs 1000`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import yaml

from genrepipe.pipeline.scan import ADDRESS

ROOT = Path(__file__).resolve().parents[1]
CLASSES = ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")


def write_songs(folder: Path, songs: int, seconds: float = 30.0, sr: int = 22050) -> int:
    """`songs` noise WAV files in ten class folders; returns their total size in bytes."""
    rng = np.random.default_rng(0)
    total = 0
    for i in range(songs):
        path = folder / CLASSES[i % len(CLASSES)] / f"song{i:05d}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, rng.integers(-3000, 3000, int(seconds * sr), dtype=np.int16), sr)
        total += path.stat().st_size
    return total


def dvc_time(project: Path, *args: str, check: bool = True) -> float:
    """Wall time of one `dvc <args>` in `project`."""
    dvc = str(Path(sys.executable).parent / "dvc")
    start = time.perf_counter()
    subprocess.run([dvc, *args], cwd=project, capture_output=True, check=check)
    return time.perf_counter() - start


def set_path(project: Path, path: str) -> None:
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["dataset"].update(source="folder", path=path)
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def folder_scan_rows(songs: int) -> list[tuple]:
    """Rows for bench/results.md: (figure, measured, baseline, ratio, target, met)."""
    scan = ("repro", "--quiet", ADDRESS)
    with tempfile.TemporaryDirectory(prefix="genrepipe-scan-") as tmp:
        project, music = Path(tmp) / "project", Path(tmp) / "music"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(project)], check=True)
        size = write_songs(music, songs)
        os.sync()
        baseline = statistics.median(dvc_time(project, *scan) for _ in range(3))  # the demo source
        set_path(project, str(music))
        dvc_time(project, *scan)
        again = statistics.median(dvc_time(project, *scan) for _ in range(3))
        write_songs(music / "a" / "new", 1)
        added = dvc_time(project, *scan)
        status = statistics.median(dvc_time(project, "status", "--quiet", check=False)  # 1: scan
                                   for _ in range(3))
    label = f"dataset.path on {songs} songs ({size / 2**30:.2f} GiB)"
    return [
        (f"stage scan, {label}, untouched vs the demo source", f"{again:.2f} s",
         f"{baseline:.2f} s", again / baseline, "<= 1.5x", again / baseline <= 1.5),
        (f"stage scan, {label}, a song added vs the demo source", f"{added:.2f} s",
         f"{baseline:.2f} s", added / baseline, "<= 1.5x", added / baseline <= 1.5),
        (f"`dvc status`, {label} (reads no song) vs stage scan on it", f"{status:.2f} s",
         f"{again:.2f} s", status / again, "(reported)", True),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--songs", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/folder_scan.md")
    args = parser.parse_args()
    lines = ["# Checking the folder source: stage scan", "",
             f"Produced by `python bench/folder_scan.py --songs {args.songs}` (also a part of "
             f"`make bench`), {os.cpu_count()} cores.", "",
             "| figure | measured | baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
    lines += [f"| {figure} | {measured} | {baseline} | {ratio:.2f}x | {target} | {'yes' if met else 'NO'} |"
              for figure, measured, baseline, ratio, target, met in folder_scan_rows(args.songs)]
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
