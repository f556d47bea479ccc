"""The task that turns any audio file into a song of data/raw: decoded, written as canonical WAV,
described by a `Song` (or a `Skip` with the reason); run in worker processes by the download stage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..audio.decode import BadAudio, load_audio, write_wav
from ..core.store import md5_file
from .songs import Skip, Song


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
