"""The record every source produces per song, and the task that turns any audio file into one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..audio import BadAudio, load_audio, write_wav
from ..store import md5_file

MANIFEST = "manifest.csv"  # data/raw/manifest.csv: one row per song, its split and its source
MANIFEST_COLUMNS = ("song_id", "label", "split", "group", "path", "duration_s", "source", "md5")
TAGS_COLUMN = "tags"  # added after MANIFEST_COLUMNS for a multi-label task only (dataset.task)
SKIPPED_COLUMNS = ("path", "reason")


@dataclass
class Song:
    """One song in data/raw: `path` is relative to data/raw, `source` is where it came from, and
    songs of one `group` (an album, an artist) always share a split; `tags` (`;`-separated) are
    its targets in a multi-label task (written to the manifest only then)."""

    song_id: str
    label: str
    path: str
    duration_s: float
    source: str
    md5: str
    split: str = ""
    group: str = ""
    tags: str = ""

    def row(self) -> dict:
        return {**self.__dict__, "duration_s": f"{self.duration_s:.6f}"}


@dataclass
class Skip:
    """A file that did not become a song, and why."""

    path: str
    reason: str

    def row(self) -> dict:
        return self.__dict__


@dataclass(frozen=True)
class ConvertJob:
    """Decode `source` and write it as canonical WAV at `raw_dir/<label>/<song_id>.wav`.

    `origin` is what the manifest records as the song's source (default: `source`), e.g. the
    member name inside an archive that was extracted to a temporary folder. Only `max_duration`
    seconds from `offset` on are decoded (None: to the end). `group` is the song's group id;
    `tags` its tags (a labels file's, `;`-separated).
    """

    source: str
    label: str
    song_id: str
    raw_dir: str
    sr: int
    origin: str = ""
    offset: float = 0.0
    max_duration: float | None = None
    group: str = ""
    tags: str = ""


def convert_song(job: ConvertJob) -> Song | Skip:
    """Run one ConvertJob in a worker: a Song on success, a Skip with the reason otherwise."""
    try:
        y = load_audio(job.source, job.sr, offset=job.offset, duration=job.max_duration)
    except BadAudio as exc:
        return Skip(job.origin or job.source, str(exc))
    relative = f"{job.label}/{job.song_id}.wav"
    target = Path(job.raw_dir) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    write_wav(target, y, job.sr)
    return Song(job.song_id, job.label, relative, y.size / job.sr, job.origin or job.source,
                md5_file(target), group=job.group or job.song_id, tags=job.tags)
