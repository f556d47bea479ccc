"""The `demo` source: a synthetic, GTZAN-shaped set generated offline and deterministically.

Songs are named like GTZAN's (`blues.00007`), rendered by `compose` from the recipes in
`styles`, and written as canonical WAV. Generation needs no network and no input files. Each
song's tags (for `dataset.task: multilabel`) are what it holds: drums and its instruments.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..audio.decode import write_wav
from ..core.store import md5_file
from ..dataset.songs import Song, join_tags
from .entry import Collected, Request
from .synth.compose import render_song, song_rng


@dataclass(frozen=True)
class DemoJob:
    """Render song `index` of `genre` into `raw_dir`."""

    genre: str
    index: int
    seed: int
    duration: float
    sr: int
    raw_dir: str


def demo_jobs(genres, songs_per_genre: int, seed: int, duration: float, sr: int,
              raw_dir: Path) -> list[DemoJob]:
    """One job per demo song, in manifest order (genre, then index)."""
    return [DemoJob(genre, index, seed, duration, sr, str(raw_dir))
            for genre in sorted(genres) for index in range(songs_per_genre)]


def make_demo_song(job: DemoJob) -> Song:
    """Render and write one demo song (run in a worker process)."""
    played: list[str] = []
    y = render_song(job.genre, job.duration, job.sr, song_rng(job.seed, job.genre, job.index), played)
    song_id = f"{job.genre}.{job.index:05d}"
    relative = f"{job.genre}/{song_id}.wav"
    target = Path(job.raw_dir) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    write_wav(target, y, job.sr)
    source = f"demo:seed={job.seed}"
    return Song(song_id, job.genre, relative, y.size / job.sr, source, md5_file(target),
                group=song_id, tags=join_tags(sorted(set(played))))


def collect(request: Request) -> Collected:
    """The demo songs of `dataset.demo`, rendered in worker processes."""
    settings = request.dataset["demo"]
    jobs = demo_jobs(settings["genres"], settings["songs_per_genre"], request.seed,
                     settings["duration"], request.sr, request.raw_dir)
    return Collected(request.run(make_demo_song, jobs, "demo songs"), [])
