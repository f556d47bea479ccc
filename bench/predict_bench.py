"""`genrepipe predict` on a music library, against the pipeline doing the same work.

Rows for `bench/run.py` (the project's trained models, chosen as `genrepipe predict` chooses by
default; the bench's demo songs as the library):

- batch predict of every song, songs/s, against the same songs' segment + transform + model time
  inside the pipeline (the stages' own functions, all cores), target within 1.3x;
- the same against one `genrepipe predict` invocation per song (a shell loop; a sample of songs,
  each its own process), reported;
- peak RSS of the batch for all songs against a tenth of them, target <= 1.2x;
- time to the first song's answer with a scikit-learn run on mfcc, target under 3 s.

Run alone: python bench/predict_bench.py data/raw data/augmented [--project ROOT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# Runs the batch predict in a fresh interpreter and prints its peak RSS (MiB, this process and
# its worker processes each at their peak: the largest) and wall time.
PEAK = """
import resource, sys, time
from genrepipe.cli import main
start = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - start
peak = max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(f"PEAK {peak / 1024:.0f} {seconds:.3f} {code}", file=sys.stderr)
"""


def genrepipe(project: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([sys.executable, "-c", PEAK, *args], cwd=project, env=env, text=True,
                          capture_output=True, **kwargs)


def batch(project: Path, songs: list[Path], model: str, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `genrepipe predict` on `songs` (a folder of links)."""
    folder = out / f"library-{len(songs)}"
    folder.mkdir()
    for song in songs:
        os.symlink(song, folder / song.name)
    result = genrepipe(project, "predict", str(folder), "--run", model, "--csv", str(out / "p.csv"))
    line = [x for x in result.stderr.splitlines() if x.startswith("PEAK ")]
    if not line or line[0].split()[3] != "0":
        raise SystemExit(f"genrepipe predict failed:\n{result.stderr[-3000:]}")
    _, rss, seconds, _ = line[0].split()
    return float(seconds), float(rss)


def pipeline_seconds(project: Path, model: str, raw: Path, augmented: Path, work: Path) -> float:
    """Segment, transform (each featurisation the model needs) and classify every song of `raw`
    with the stages' own functions, all cores: the pipeline's time for the same work."""
    from genrepipe.core.store import read_json
    from genrepipe.pipeline.segment import segment_all
    from genrepipe.pipeline.transform import transform_all
    from genrepipe.predict import Prepared, load_model

    chosen = load_model(project / "models" / model)
    first = chosen.featurisations[0]
    start = time.perf_counter()
    segment_all(raw, augmented, work / "windows", sample_rate=first.sample_rate,
                window=first.window_samples / first.sample_rate,
                hop=first.hop_samples / first.sample_rate, short="pad")
    stores = {f: work / f"features-{k}" for k, f in enumerate(chosen.featurisations)}
    for f, store in stores.items():
        transform_all(f.transform, json.loads(f.params_json), work / "windows", store)
    chosen.load()
    songs = []
    for song in read_json(work / "windows" / "index.json")["songs"]:
        features = {f: np.load(store / f"{song['song_id']}.npy") for f, store in stores.items()}
        songs.append(Prepared(song["song_id"], features, 0.0, False, np.arange(song["n_windows"]), 0.0))
        if len(songs) == 64:
            chosen.predict(songs)
            songs = []
    if songs:
        chosen.predict(songs)
    return time.perf_counter() - start


def first_answer(project: Path, song: Path, run: str) -> float:
    """Seconds from starting `genrepipe predict` (a scikit-learn run) to its first line of output."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    process = subprocess.Popen([str(Path(sys.executable).parent / "genrepipe"), "predict", str(song),
                                "--run", run], cwd=project, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    process.stdout.readline()
    seconds = time.perf_counter() - start
    process.communicate()
    return seconds


def predict_rows(project: Path, raw: Path, augmented: Path, loop_songs: int = 8) -> list[tuple]:
    """The rows described above, on the songs of `raw` (a download stage's folder; `augmented`:
    an augment stage's, with no copies)."""
    from genrepipe.evaluation.choice import choose_run

    songs = sorted(raw.glob("*/*.wav"))
    model, why = choose_run(project / "metrics/runs", None, fusion_dir=project / "models/fusion")
    print(f"  predict: the default model is {model} ({why})", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="genrepipe-predict-bench-") as tmp:
        work = Path(tmp)
        seconds, rss = batch(project, songs, model, work)
        tenth, rss_tenth = batch(project, songs[: max(1, len(songs) // 10)], model, work)
        pipeline = pipeline_seconds(project, model, raw, augmented, work)
        rate, pipeline_rate = len(songs) / seconds, len(songs) / pipeline
        rows.append((f"batch `genrepipe predict` of {len(songs)} songs ({model}) vs the pipeline's "
                     "segment + transform + model on them", f"{rate:.2f} songs/s",
                     f"{pipeline_rate:.2f} songs/s", pipeline_rate / rate, "<= 1.3x", pipeline_rate / rate <= 1.3))
        loop = []
        for song in songs[:loop_songs]:
            loop.append(batch(project, [song], model, work)[0])
            shutil.rmtree(work / "library-1")
        loop_rate = 1 / statistics.mean(loop)
        rows.append((f"batch predict vs one `genrepipe predict` per song ({loop_songs} songs timed)",
                     f"{rate:.2f} songs/s", f"{loop_rate:.2f} songs/s", rate / loop_rate, "(reported)", True))
        rows.append((f"peak RSS of batch predict, {len(songs)} songs vs {max(1, len(songs) // 10)}",
                     f"{rss:.0f} MiB", f"{rss_tenth:.0f} MiB", rss / rss_tenth, "<= 1.2x", rss / rss_tenth <= 1.2))
        first = statistics.median(first_answer(project, songs[0], "svc-mfcc") for _ in range(3))
        rows.append(("time to the first answer, svc-mfcc (no TensorFlow) vs the 3 s target", f"{first:.2f} s",
                     "3 s", first / 3, "< 3 s", first < 3))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="a download stage's folder of songs (data/raw)")
    parser.add_argument("augmented", type=Path, help="an augment stage's folder (no copies)")
    parser.add_argument("--project", type=Path, default=ROOT, help="a project after make repro")
    args = parser.parse_args()
    for row in predict_rows(args.project.resolve(), args.raw.resolve(), args.augmented.resolve()):
        print(row)


if __name__ == "__main__":
    main()
