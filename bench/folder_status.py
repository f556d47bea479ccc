"""What the folder source's dep costs: `dvc status` with `dataset.path` on a folder of N songs
(30 s WAV files), against the same status on the empty default `data/input/`, in a scratch
clone of the committed HEAD.

Three figures: the first status (DVC hashes every file), the next one (DVC's state database
remembers the hashes of files whose size and modification time did not change), and one after
a song was added (only the new file is read). Run by `make bench`, or alone:
`python bench/folder_status.py --songs 1000`.
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


def dvc_status(project: Path) -> float:
    """Wall time of one `dvc status` in `project`."""
    dvc = str(Path(sys.executable).parent / "dvc")
    start = time.perf_counter()
    subprocess.run([dvc, "status", "--quiet"], cwd=project, capture_output=True)
    return time.perf_counter() - start


def set_path(project: Path, path: str) -> None:
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["dataset"].update(source="folder", path=path)
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def folder_status_rows(songs: int) -> list[tuple]:
    """Rows for bench/results.md: (figure, measured, baseline, ratio, target, met)."""
    with tempfile.TemporaryDirectory(prefix="genrepipe-status-") as tmp:
        project, music = Path(tmp) / "project", Path(tmp) / "music"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(project)], check=True)
        size = write_songs(music, songs)
        os.sync()
        baseline = statistics.median(dvc_status(project) for _ in range(3))  # empty data/input
        set_path(project, str(music))
        first = dvc_status(project)
        again = statistics.median(dvc_status(project) for _ in range(3))
        write_songs(music / "a" / "new", 1)
        added = dvc_status(project)
    label = f"`dvc status`, dataset.path on {songs} songs ({size / 2**30:.2f} GiB)"
    return [
        (f"{label}: first (hashes every file) vs the empty data/input", f"{first:.2f} s",
         f"{baseline:.2f} s", first / baseline, "(reported)", True),
        (f"{label}: unchanged folder vs the empty data/input", f"{again:.2f} s",
         f"{baseline:.2f} s", again / baseline, "<= 1.5x", again / baseline <= 1.5),
        (f"{label}: one song added vs the empty data/input", f"{added:.2f} s",
         f"{baseline:.2f} s", added / baseline, "<= 1.5x", added / baseline <= 1.5),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--songs", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/folder_status.md")
    args = parser.parse_args()
    lines = ["# `dvc status` with the folder source", "",
             f"Produced by `python bench/folder_status.py --songs {args.songs}` (also a part of "
             f"`make bench`), {os.cpu_count()} cores.", "",
             "| figure | measured | baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
    lines += [f"| {figure} | {measured} | {baseline} | {ratio:.2f}x | {target} | {'yes' if met else 'NO'} |"
              for figure, measured, baseline, ratio, target, met in folder_status_rows(args.songs)]
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
