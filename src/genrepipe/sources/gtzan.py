"""The `gtzan` source: download GTZAN (checksummed, cached), extract it safely, apply the
fault-filtered, artist-disjoint split shipped in `gtzan_split/` (see its SOURCE.md)."""

from __future__ import annotations

import logging
import re
import tarfile
from importlib import resources
from pathlib import Path

from ..core.errors import ChecksumError, DataError
from ..dataset.convert import ConvertJob
from ..dataset.songs import Skip
from .entry import Collected, Request
from .registry import get_source

log = logging.getLogger(__name__)

# the archive's file name: its songs' origins in the manifest start with it (its entry says so)
ARCHIVE_NAME = get_source("gtzan").origin_prefix.removesuffix(":")
_TRACK = re.compile(r"^(?P<genre>[a-z]+)\.(?P<number>\d{5})\.(wav|au)$")


def default_cache_dir() -> Path:
    """The user's cache folder for genrepipe downloads (outside data/, kept across runs)."""
    import pooch

    return Path(pooch.os_cache("genrepipe"))


def fetch_archive(urls: tuple[str, ...], known_hash: str, cache_dir: str | Path | None,
                  retries: int = 2) -> Path:
    """Return the cached archive, downloading it from the first URL that works.

    Parameters
    ----------
    urls : tuple of str
        The archive's URL and mirrors, tried in order.
    known_hash : str
        ``md5:<hex>`` or ``sha256:<hex>``; a cached file with this hash is never downloaded again.
    cache_dir : path or None
        Download cache (None: the user's cache folder).
    retries : int >= 0
        Extra attempts per URL on a network error or a checksum mismatch.

    Raises
    ------
    ChecksumError
        The only reachable URLs served a file with another hash (nothing is kept).
    DataError
        No URL could be downloaded.
    """
    import pooch
    import requests

    cache = Path(cache_dir).expanduser().resolve() if cache_dir else default_cache_dir()
    failures = []
    for url in urls:
        fetcher = pooch.create(path=cache, base_url="", registry={ARCHIVE_NAME: known_hash},
                               urls={ARCHIVE_NAME: url}, retry_if_failed=retries)
        try:
            return Path(fetcher.fetch(ARCHIVE_NAME, progressbar=True))
        except ValueError as exc:
            got = re.search(r"but got (\w+)", str(exc))
            failures.append((url, f"checksum mismatch: expected {known_hash}, got "
                                  f"{known_hash.split(':')[0]}:{got.group(1) if got else '?'}"))
        except (requests.RequestException, OSError) as exc:
            failures.append((url, f"{type(exc).__name__}: {exc}".splitlines()[0]))
        log.warning("download from %s failed: %s", url, failures[-1][1])
    detail = "; ".join(f"{url}: {reason}" for url, reason in failures)
    if all(reason.startswith("checksum") for _, reason in failures):
        raise ChecksumError(f"{cache / ARCHIVE_NAME}: {detail}; nothing was extracted")
    raise DataError(f"could not download {ARCHIVE_NAME} ({detail}); check the URLs in "
                    "dataset.gtzan.urls or place the archive in the download cache")


def safe_extract(archive: str | Path, target: str | Path) -> None:
    """Extract a tar archive into `target`, refusing it whole if any member is unsafe.

    Every member is checked before anything is written: links (symbolic or hard), device
    files, absolute paths and paths that climb out of `target` (``..``) are refused.

    Raises
    ------
    DataError
        Naming the archive, the member and the problem.
    """
    target = Path(target).resolve()
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = tar.getmembers()
            for member in members:
                _check_member(archive, member, target)
            tar.extractall(target, members=members, filter="data")
    except tarfile.TarError as exc:
        raise DataError(f"{archive}: not a readable tar archive ({exc})") from None


def _check_member(archive, member: tarfile.TarInfo, target: Path) -> None:
    if member.issym() or member.islnk():
        problem = f"is a link to {member.linkname!r}"
    elif not (member.isfile() or member.isdir()):
        problem = "is not a regular file or folder"
    elif Path(member.name).is_absolute() or not (target / member.name).resolve().is_relative_to(target):
        problem = "would land outside the extraction folder"
    else:
        return
    raise DataError(f"{archive}: member {member.name!r} {problem}; refusing to extract an "
                    "archive with links, devices or paths outside its folder")


def split_lists() -> dict[str, str]:
    """Track stem (``blues.00029``) -> split, from the shipped fault-filtered lists."""
    assignment = {}
    folder = resources.files(__package__) / "gtzan_split"
    for split in ("train", "valid", "test"):
        for line in (folder / f"{split}.txt").read_text().splitlines():
            if line.strip():
                assignment[Path(line.strip()).stem] = split
    return assignment


def gtzan_jobs(extracted: Path, raw_dir: Path, sr: int
               ) -> tuple[list[ConvertJob], dict[str, str], list[Skip]]:
    """Find the tracks in an extracted archive (any folder depth, .wav or .au).

    Returns
    -------
    jobs : one ConvertJob per track of the fault-filtered lists
    split : song_id -> split for those tracks
    skipped : tracks that the fault-filtered split leaves out

    Raises
    ------
    DataError
        When no track named like ``blues.00000.wav`` is found.
    """
    lists = split_lists()
    jobs, skipped, split = [], [], {}
    tracks = sorted((p for p in extracted.rglob("*") if _TRACK.match(p.name)), key=lambda p: p.name)
    if not tracks:
        raise DataError(f"{extracted}: no GTZAN tracks (<genre>.<5 digits>.wav or .au) in the archive")
    for path in tracks:
        song_id = path.name.rsplit(".", 1)[0]
        origin = f"{ARCHIVE_NAME}:{path.relative_to(extracted)}"
        if song_id not in lists:
            skipped.append(Skip(origin, "not in the fault-filtered split"))
            continue
        label = _TRACK.match(path.name).group("genre")
        jobs.append(ConvertJob(str(path), label, song_id, str(raw_dir), sr, origin))
        split[song_id] = lists[song_id]
    return jobs, split, skipped


def collect(request: Request) -> Collected:
    """The tracks of the GTZAN archive (fetched into the cache once, checked against
    `dataset.gtzan.hash`) in its fault-filtered split, extracted to a temporary folder next to
    the archive and decoded from there."""
    import tempfile

    settings = request.dataset["gtzan"]
    archive = fetch_archive(settings["urls"], settings["hash"], settings["cache_dir"], settings["retries"])
    with tempfile.TemporaryDirectory(prefix="genrepipe-gtzan-", dir=archive.parent) as tmp:
        safe_extract(archive, tmp)
        jobs, fixed_split, skipped = gtzan_jobs(Path(tmp), request.raw_dir, request.sr)
        return Collected(request.decode(jobs), skipped, fixed_split)
