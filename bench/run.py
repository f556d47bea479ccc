"""`make bench`: genrepipe's speed and memory, each figure a ratio to a baseline measured in the
same run, on a GTZAN-scale synthetic set (1000 demo songs x 30 s; `--scale` for quick runs).

Writes bench/results.md (and prints it) with the machine's core count and the versions used.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from naive import NAIVE  # noqa: E402

from genrepipe.config.params import hop_seconds, validate  # noqa: E402
from genrepipe.core.workspace import cores  # noqa: E402
from genrepipe.pipeline.augment import augment_all  # noqa: E402
from genrepipe.pipeline.download import download  # noqa: E402
from genrepipe.pipeline.segment import segment_all  # noqa: E402
from genrepipe.pipeline.transform import transform_all  # noqa: E402

TRANSFORMS = ("fft", "stft", "mfcc", "mel")
# transforms computed by a pretrained network, each timed once against the mel transform
PRETRAINED_TRANSFORMS = {"musicnn": "musicnn transform (MSD, max_pool)",
                         "pitch": "pitch transform (basic-pitch)"}
PACKAGES = ("numpy", "librosa", "scikit-learn", "keras", "tensorflow-cpu", "tensorflow", "dvc", "dask")


def _installed(name: str) -> bool:
    """Whether distribution `name` is installed (TensorFlow is tensorflow-cpu or tensorflow)."""
    try:
        version(name)
    except Exception:
        return False
    return True


def timed(fn, *args, **kwargs) -> float:
    """Wall time of one call, starting with no dirty pages waiting to be written back (files
    written by an earlier measurement would otherwise slow this one down)."""
    os.sync()
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def bench_params(scale: float) -> object:
    raw = copy.deepcopy(yaml.safe_load((ROOT / "params.yaml").read_text()))
    raw["dataset"]["demo"]["songs_per_genre"] = max(2, round(100 * scale))
    raw["transforms"] = {t: raw["transforms"][t] for t in (*TRANSFORMS, "musicnn")}
    raw["transforms"]["pitch"] = {}  # not a default transform: its defaults
    raw["runs"] = {}
    return validate(raw)


def transform_rows(params, work: Path, songs: int, naive_songs: int,
                   repeats: int = 3) -> tuple[list, dict, dict]:
    """Transform stage (all cores, then one) against the naive per-window loop, per transform.

    Each stage timing is the median of `repeats` runs, the two `jobs` settings alternating: on
    a virtual machine the first touch of freshly freed memory costs a varying amount (seen here:
    the same 2.7 GB of page cache written in 0.8 s or 2.8 s of kernel time), which a single run
    charges to whichever setting comes first.
    """
    windows = work / "windows"
    jobs_settings = (cores(), 1)
    seconds = {jobs: 0.0 for jobs in jobs_settings}
    detail, rows = {}, []
    every = [s["song_id"] for s in json.loads((windows / "index.json").read_text())["songs"]]
    # the baseline writes as much as the stage (the same songs), so both meet the same disk
    subset = every[::max(1, len(every) // naive_songs)][:naive_songs]
    for name in TRANSFORMS:
        runs = {jobs: [] for jobs in jobs_settings}
        for repeat in range(repeats):
            for jobs in jobs_settings[::1 if repeat % 2 == 0 else -1]:
                out = work / f"{name}-{jobs}"
                runs[jobs].append(timed(transform_all, name, params.transforms[name], windows, out,
                                        jobs=jobs))
                shutil.rmtree(out)
        median = {jobs: statistics.median(times) for jobs, times in runs.items()}
        print(f"  {name}: " + ", ".join(f"jobs={j} {' '.join(f'{t:.2f}' for t in ts)} s"
                                        for j, ts in runs.items()), flush=True)
        for jobs in jobs_settings:
            seconds[jobs] += median[jobs]
        detail[name] = median
        stage_rate = songs / median[cores()]
        naive = NAIVE[name](params.transforms[name], params.sample_rate)
        naive_out = work / f"naive-{name}"
        naive_out.mkdir()
        naive_seconds = timed(naive, windows, subset, naive_out)
        shutil.rmtree(naive_out)
        naive_rate = len(subset) / naive_seconds
        rows.append((f"transform stage vs naive per-window loop: {name}", f"{stage_rate:.1f} songs/s",
                     f"{naive_rate:.1f} songs/s", stage_rate / naive_rate, ">= 3x", stage_rate / naive_rate >= 3))
    return rows, seconds, detail


def peak_rss(features: Path, epochs: int) -> tuple[float, int]:
    """Peak RSS (MiB) of a training process (cnn2d on `features`, in a fresh interpreter), and
    the number of windows it trained on."""
    out = subprocess.run([sys.executable, str(ROOT / "bench/train_peak.py"), str(features), str(epochs)],
                         capture_output=True, text=True, check=True)
    rss, windows = out.stdout.strip().splitlines()[-1].split()
    return float(rss), int(windows)


def replicate(features: Path, target: Path, times: int) -> None:
    """A feature store with every song `times` times (hard links under new ids): `times` x songs."""
    index = json.loads((features / "index.json").read_text())
    target.mkdir()
    songs = []
    for song in index["songs"]:
        for k in range(times):
            song_id = f"{song['song_id']}~x{k}"
            os.link(features / f"{song['song_id']}.npy", target / f"{song_id}.npy")
            songs.append({**song, "song_id": song_id, "source_song": song_id})
    (target / "index.json").write_text(json.dumps({**index, "songs": songs}))


def noop_repro() -> tuple[float, float]:
    """Median wall time of a no-op `dvc repro` on the project, and of `dvc --version` (startup).

    An untimed `dvc repro` first brings the pipeline up to date (a no-op after `make repro`)."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
    dvc = [str(Path(bin_dir) / "dvc")]
    subprocess.run(dvc + ["repro", "--quiet"], cwd=ROOT, check=True, env=env)
    repro = [timed(subprocess.run, dvc + ["repro", "--quiet"], cwd=ROOT, check=True, env=env)
             for _ in range(3)]
    startup = [timed(subprocess.run, dvc + ["--version"], cwd=ROOT, check=True, env=env,
                     capture_output=True) for _ in range(3)]
    return statistics.median(repro), statistics.median(startup)


def with_pipeline_malloc() -> None:
    """Re-run this script with the glibc settings the pipeline's per-song stages run with (the
    `malloc` var of dvc.yaml), so the transform figures are the stage's."""
    settings = yaml.safe_load((ROOT / "dvc.yaml").read_text())["vars"][0]["malloc"]
    env = dict(item.split("=", 1) for item in settings.split())
    if any(os.environ.get(key) != value for key, value in env.items()):
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **env})


def main() -> None:
    with_pipeline_malloc()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1000 songs (default 1)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results.md")
    parser.add_argument("--skip-memory", action="store_true", help="skip the 1x / 8x training runs")
    parser.add_argument("--skip-loader", action="store_true", help="skip the loader comparison")
    parser.add_argument("--skip-repro", action="store_true", help="skip the no-op dvc repro")
    parser.add_argument("--skip-folder", action="store_true",
                        help="skip stage scan on a folder of songs (how download sees the folder)")
    parser.add_argument("--skip-predict", action="store_true",
                        help="skip `genrepipe predict` on the songs (needs the project's trained models)")
    args = parser.parse_args()
    params = bench_params(args.scale)
    songs = 10 * params.dataset.demo.songs_per_genre
    rows = []
    with tempfile.TemporaryDirectory(prefix="genrepipe-bench-") as tmp:
        work = Path(tmp)
        print(f"generating {songs} demo songs of 30 s ...", flush=True)
        download(work / "raw", dataset=params.dataset, sample_rate=params.sample_rate,
                 seed=params.seed)
        augment_all(work / "raw", work / "augmented", augment=params.augment, seed=params.seed)
        segment_all(work / "raw", work / "augmented", work / "windows", sample_rate=params.sample_rate,
                    window=params.window, hop=hop_seconds(params.window, params.hop),
                    short=params.segment.short)
        print("transforms ...", flush=True)
        transform_rows_, seconds, detail = transform_rows(params, work, songs, naive_songs=songs)
        rows += transform_rows_
        print(render(rows, args.scale, songs), flush=True)
        jobs = cores()
        rows.append((f"transform stage, jobs={jobs} vs jobs=1 (all four)", f"{seconds[jobs]:.1f} s",
                     f"{seconds[1]:.1f} s", seconds[1] / seconds[jobs], ">= 1.6x", seconds[1] / seconds[jobs] >= 1.6))
        per_1000 = seconds[jobs] * 1000 / songs
        rows.append(("all four transforms, per 1000 songs x 30 s", f"{per_1000:.1f} s", "60 s budget",
                     60 / per_1000, "< 60 s", per_1000 < 60))
        mel_rate = songs / detail["mel"][jobs]
        for name, label in PRETRAINED_TRANSFORMS.items():
            print(f"{name} ...", flush=True)
            network_seconds = timed(transform_all, name, params.transforms[name], work / "windows",
                                    work / name)
            shutil.rmtree(work / name)
            rate = songs / network_seconds
            rows.append((f"{label} vs the mel transform", f"{rate:.2f} songs/s",
                         f"{mel_rate:.1f} songs/s", rate / mel_rate, "(reported)", True))
            rows.append((f"{name} transform, per 1000 songs x 30 s", f"{1000 / rate:.0f} s",
                         "600 s budget", 600 / (1000 / rate), "< 600 s", 1000 / rate < 600))
        transform_all("mel", params.transforms.mel, work / "windows", work / "mel", jobs=jobs)
        shutil.rmtree(work / "windows")

        if not args.skip_loader:
            print("loader ...", flush=True)
            from loader_bench import loader_rates

            disk, memory = loader_rates(work / "mel", params)
            rows.append(("2D CNN steps/s: PyDataset from disk vs arrays in memory", f"{disk:.2f} steps/s",
                         f"{memory:.2f} steps/s", disk / memory, ">= 0.9x", disk / memory >= 0.9))

        if not args.skip_memory:
            print("memory (training at 1x and 8x songs) ...", flush=True)
            replicate(work / "mel", work / "mel8", 8)
            (one, n_one), (eight, n_eight) = peak_rss(work / "mel", 1), peak_rss(work / "mel8", 1)
            rows.append(("peak RSS of training (1 epoch, cnn2d on mel), 8x songs vs 1x",
                         f"{eight:.0f} MiB ({n_eight} train windows)", f"{one:.0f} MiB ({n_one})",
                         eight / one, "<= 1.3x", eight / one <= 1.3))

        if not args.skip_predict:
            print("genrepipe predict on the songs ...", flush=True)
            from predict_bench import predict_rows

            rows += predict_rows(ROOT, work / "raw", work / "augmented")

    if not args.skip_repro:
        print("no-op dvc repro ...", flush=True)
        repro, startup = noop_repro()
        rows.append(("no-op `dvc repro` (full default pipeline) vs `dvc --version`", f"{repro:.2f} s",
                     f"{startup:.2f} s", repro / startup, "< 5 s", repro < 5))
    if not args.skip_folder:
        print(f"stage scan on a folder of {songs} songs ...", flush=True)
        from folder_scan import folder_scan_rows

        rows += folder_scan_rows(songs)
    report = render(rows, args.scale, songs, detail)
    args.out.write_text(report)
    print(report)


def render(rows, scale: float, songs: int, detail: dict | None = None) -> str:
    versions = ", ".join(f"{p} {version(p)}" for p in PACKAGES if _installed(p))
    lines = [
        "# genrepipe benchmark", "",
        f"Produced by `make bench` (`python bench/run.py --scale {scale:g}`): {songs} synthetic demo "
        "songs of 30 s. Every figure is measured in the same run as its baseline; the ratio is "
        "figure / baseline (for the 60 s budget: budget / figure; for `dvc repro`, time / `dvc` "
        "startup, the target being absolute).", "",
        f"Machine: {cores()} cores usable ({os.cpu_count()} online), {platform.machine()}, "
        f"Python {platform.python_version()}. Versions: {versions}.", "",
        "| figure | measured | baseline | ratio | target | met |", "|---|---|---|---|---|---|",
    ]
    for figure, measured, baseline, ratio, target, met in rows:
        lines.append(f"| {figure} | {measured} | {baseline} | {ratio:.2f}x | {target} | {'yes' if met else 'NO'} |")
    if detail:
        jobs = cores()
        lines += ["", f"Transform stage seconds for {songs} songs (median of 3 runs each):", "",
                  f"| transform | jobs={jobs} | jobs=1 | jobs={jobs} vs jobs=1 |", "|---|---|---|---|"]
        lines += [f"| {name} | {t[jobs]:.2f} | {t[1]:.2f} | {t[1] / t[jobs]:.2f}x |" for name, t in detail.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
