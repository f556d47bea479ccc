"""Which files are songs: the folder source's rules (hidden files and folders, and files without
an audio extension, are not songs), and `genrepipe predict`'s walk of a music library by them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..audio.decode import AUDIO_EXTENSIONS, is_audio_name
from ..core.store import display_path


def skip_reason(relative: Path) -> str:
    """Why a file at `relative` (below the folder walked) is not a song; "" when it is one."""
    if any(part.startswith(".") for part in relative.parts):
        return "hidden"
    if not is_audio_name(relative):
        allowed = ", ".join(sorted(AUDIO_EXTENSIONS))
        return f"not an audio file (extension {relative.suffix or 'none'!r}; allowed: {allowed})"
    return ""


@dataclass(frozen=True)
class LibraryFile:
    """A file to classify: where it is, how to show it (as the user wrote it, bytes of its name
    that are not UTF-8 as backslash escapes), and why it cannot be read ("" when it may be)."""

    path: Path
    shown: str
    problem: str = ""


def library_files(paths: Sequence[str | os.PathLike]) -> list[LibraryFile]:
    """Every song file of `paths`, in a stable order: each path as given, a folder's songs (walked
    recursively, hidden and non-audio files left out) sorted by path; a file named twice once.
    A file named on the command line is tried whatever its name; a path that does not exist is
    listed with its problem."""
    found: list[LibraryFile] = []
    seen: set[Path] = set()

    def add(path: Path, problem: str = "") -> None:
        key = path.resolve() if path.exists() else path
        if key not in seen:
            seen.add(key)
            found.append(LibraryFile(path, display_path(path), problem))

    for given in map(Path, paths):
        if given.is_dir():
            for path in sorted(p for p in given.rglob("*") if p.is_file()):
                if not skip_reason(path.relative_to(given)):
                    add(path)
        elif given.is_file():
            add(given)
        else:
            add(given, "not found" if not given.exists() else "not a file or folder")
    return found


def labelled_files(root: str | os.PathLike) -> list[tuple[LibraryFile, str]]:
    """The songs of a folder with one sub-folder per class (walked recursively, by the folder
    source's rules) and each one's class: its class sub-folder's name (as text, bytes of a name
    that are not UTF-8 as backslash escapes). Files directly in `root` belong to no class and are
    left out."""
    root = Path(root)
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        label = display_path(folder.name)
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if not skip_reason(path.relative_to(folder)):
                found.append((LibraryFile(path, display_path(path)), label))
    return found
