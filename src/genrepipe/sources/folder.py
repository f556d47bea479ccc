"""The `folder` source: a local folder with one sub-folder per class, audio in any format."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import DataError
from ..core.store import display_path
from ..core.workspace import resolve_path
from ..dataset.convert import ConvertJob
from ..dataset.songs import Skip, unique_id
from ..dataset.split import group_of
from .entry import Collected, Request
from .files import skip_reason


def scan_folder(root: str | Path, raw_dir: Path, sr: int, group: str = "none"
                ) -> tuple[list[ConvertJob], list[Skip]]:
    """List the songs of `root/<class>/...` (searched recursively) and the files skipped.

    `group` decides which songs must share a split: ``none`` (each song alone), ``folder``
    (the sub-folder right below the class folder: an album or artist; the same folder name in
    two classes is one group) or a regular expression searched in the path below the class
    folder (its first parenthesised group, or the whole match, is the group; a file it does not
    match is a group of its own).

    Hidden files and folders, files outside a class folder, and files without an audio
    extension are skipped and listed. Song ids are `<class>.<file stem>`, made unique and
    file-system safe. Paths are recorded as `root` was written (relative paths stay relative,
    see `workspace.resolve_path`), with bytes of a name that are not UTF-8 as backslash escapes.

    Raises
    ------
    DataError
        When `root` is not a folder or holds fewer than two class sub-folders with audio.
    """
    given, root = Path(root), resolve_path(root)
    if not root.is_dir():
        raise DataError(f"dataset.path={display_path(given)!r}: not a folder (looked in "
                        f"{display_path(root)}); expected a folder with one sub-folder per class")
    jobs: list[ConvertJob] = []
    skipped: list[Skip] = []
    used_ids: set[str] = set()
    for entry in sorted(root.iterdir()):
        shown = display_path(given / entry.name)
        if entry.name.startswith("."):
            skipped.append(Skip(shown, "hidden"))
        elif not entry.is_dir():
            skipped.append(Skip(shown, "not inside a class sub-folder"))
        else:
            label = display_path(entry.name)
            for path in sorted(p for p in entry.rglob("*") if p.is_file()):
                shown = display_path(given / path.relative_to(root))
                reason = skip_reason(path.relative_to(entry))
                if reason:
                    skipped.append(Skip(shown, reason))
                    continue
                song_id = unique_id(f"{label}.{display_path(path.stem)}", used_ids)
                jobs.append(ConvertJob(str(path), label, song_id, str(raw_dir), sr, origin=shown,
                                       group=group_of(label, path.relative_to(entry), group)))
    labels = {job.label for job in jobs}
    if len(labels) < 2:
        raise DataError(f"dataset.path={display_path(given)!r}: found {len(labels)} class sub-folder(s) "
                        "with audio; expected at least 2 (one sub-folder per class)")
    return jobs, skipped


def collect(request: Request) -> Collected:
    """The songs of `dataset.path`: its class sub-folders, or the rows of `dataset.labels`."""
    dataset = request.dataset
    if dataset["labels"] is not None:
        from .labels import scan_labelled

        jobs, skipped = scan_labelled(dataset["path"], dataset["labels"], request.raw_dir, request.sr,
                                      request.task, dataset["group"])
    else:
        jobs, skipped = scan_folder(dataset["path"], request.raw_dir, request.sr, dataset["group"])
    return Collected(request.decode(jobs), skipped)
