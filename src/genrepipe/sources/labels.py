"""The `folder` source with a labels file (`dataset.labels`): the songs and their labels come from
a CSV beside them instead of from class sub-folders.

The file has a `path` column (relative to `dataset.path`) and either `tags` (several per song,
separated by `;`: a multi-label task) or `label` (one per song). A row whose file is missing, a
row without tags or label, a second row for one file and an audio file without a row are
skipped and listed with the file's line; files that are not audio (the labels file itself
among them) are not songs.
"""

from __future__ import annotations

import csv
from pathlib import Path, PurePosixPath

from ..audio.decode import is_audio_name
from ..core.errors import DataError
from ..core.store import display_path
from ..core.workspace import resolve_path
from ..dataset.convert import ConvertJob
from ..dataset.songs import NO_TAG, Skip, unique_id
from ..dataset.split import group_of

LABELS_KEY = "dataset.labels"


def labels_path(root: str | Path, labels: str) -> Path:
    """The labels file `labels` (relative to the song folder `root`), which must lie inside it:
    stage scan lists that folder for the download stage, so DVC sees every change to the file."""
    base = resolve_path(root).resolve()
    path = (base / labels).resolve()
    if not path.is_relative_to(base):
        raise DataError(f"{LABELS_KEY}={labels!r}: outside dataset.path ({display_path(root)}); "
                        "expected a file inside the song folder (so that DVC sees its changes)")
    if not path.is_file():
        raise DataError(f"{LABELS_KEY}={labels!r}: not found in {display_path(root)}; expected a "
                        "CSV file with columns path and tags (or label)")
    return path


RESERVED = (NO_TAG,)  # the confusion rows' name for an empty side


def read_labels(path: Path, shown: str, task
                ) -> tuple[dict[str, tuple[int, tuple[str, ...]]], list[tuple[str, str]]]:
    """The labels file's rows as {path below the song folder: (line, the values of `task`'s
    column: tags, or the one label)},
    and the rows skipped as (path, reason): no tags, a second row for a file, a path leaving the
    folder. Read as spreadsheets write CSV: UTF-8 with or without a byte-order mark, any line
    ending, short rows (missing cells are empty), blank lines ignored; `\\` in paths is `/`.

    Raises
    ------
    DataError
        When the file is not UTF-8 CSV, has no `path` column or no column for the task, or a
        tag has a name the results cannot hold.
    """
    column = task.labels_column
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [name.strip() for name in next(reader, [])]
            rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{LABELS_KEY}={shown!r}: not a readable UTF-8 CSV file ({exc}); expected "
                        "columns path and tags (or label)") from None
    for needed in ("path", column):
        if needed not in header:
            other = task.other_labels_column
            hint = f" but a {other} column (set dataset.task={task.other_name})"
            raise DataError(f"{LABELS_KEY}={shown!r}: has no {needed} column"
                            + (hint if needed == column and other in header else "")
                            + f"; expected a header with path and {column}")
    where = {name: header.index(name) for name in ("path", column)}
    labelled: dict[str, tuple[int, tuple[str, ...]]] = {}
    skipped: list[tuple[str, str]] = []
    for line, row in rows:
        cell = {name: row[i].strip() if i < len(row) else "" for name, i in where.items()}
        given = cell["path"].replace("\\", "/")
        relative = PurePosixPath(given).as_posix()
        values = task.parse_labels(cell[column])
        bad = [v for v in values if v in RESERVED or "|" in v]
        if bad:
            raise DataError(f"{LABELS_KEY}={shown!r} line {line}: {column} {bad[0]!r} cannot be "
                            f"a name in the results; expected names without '|', other than "
                            f"{', '.join(RESERVED)}")
        if PurePosixPath(given).is_absolute() or ".." in PurePosixPath(given).parts or not given:
            skipped.append((given, f"{shown} line {line}: the path is not inside dataset.path "
                                   "(expected a path relative to it)"))
        elif not values:
            skipped.append((relative, f"{shown} line {line}: no {column}"))
        elif relative in labelled:
            skipped.append((relative, f"{shown} line {line}: a second row for this file"))
        else:
            labelled[relative] = (line, values)
    return labelled, skipped


def scan_labelled(root: str | Path, labels: str, raw_dir: Path, sr: int, task,
                  group: str = "none") -> tuple[list[ConvertJob], list[Skip]]:
    """List the songs the labels file names (under `root`, searched recursively) and what was
    skipped. A song's label and tags are the `task`'s (`evaluation.tasks`: a class a song, its
    one label; or tags, the label then being the folder it lies in, informative only); `group`
    is `dataset.group`, applied to the path below the song folder (`dataset.split.group_of`).

    Raises
    ------
    DataError
        When the labels file is missing, outside `root`, has no usable column, or leaves fewer
        than two classes (single-label) or no song.
    """
    given = Path(root)
    path = labels_path(root, labels)
    base = resolve_path(root).resolve()
    labelled, rejected = read_labels(path, labels, task)
    skipped = [Skip(display_path(given / relative), reason) for relative, reason in rejected]
    found = {p.relative_to(base).as_posix(): p for p in sorted(base.rglob("*"))
             if p.is_file() and p != path and is_audio_name(p)
             and not any(part.startswith(".") for part in p.relative_to(base).parts)}
    jobs, used = [], set()
    for relative, (line, values) in labelled.items():
        if relative not in found:
            skipped.append(Skip(display_path(given / relative),
                                f"{labels} line {line}: listed but not found"))
            continue
        parts = PurePosixPath(relative).parts
        label = task.song_label(values, parts)
        song_id = unique_id(f"{label}.{display_path(PurePosixPath(relative).stem)}", used)
        jobs.append(ConvertJob(str(found[relative]), label, song_id, str(raw_dir), sr,
                               origin=display_path(given / relative),
                               group=group_of("", Path(relative), group),
                               tags=task.song_tags(values)))
    listed = set(labelled) | {relative for relative, _ in rejected}  # rows skipped have a row
    skipped += [Skip(display_path(given / relative), f"no row in {labels}")
                for relative in found if relative not in listed]
    if not jobs:
        raise DataError(f"{LABELS_KEY}={labels!r}: names no audio file found in "
                        f"{display_path(given)} ({len(skipped)} row(s) or file(s) skipped); expected "
                        "paths relative to dataset.path")
    if len({job.label for job in jobs}) < task.min_labels:
        raise DataError(f"{LABELS_KEY}={labels!r}: {len({job.label for job in jobs})} distinct "
                        f"label(s); expected at least {task.min_labels}")
    return jobs, skipped
