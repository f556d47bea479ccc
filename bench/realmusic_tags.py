"""A tagged copy of realmusic-dev: its audio (linked, not copied) and a labels file of tags taken
from its MANIFEST.csv, for measuring taggers on real music (`dataset.task: multilabel`).

    python bench/realmusic_tags.py /path/to/realmusic-dev /tmp/realmusic-tags
    python bench/folder_kfold.py /tmp/realmusic-tags --workdir /tmp/gk-tags \\
        --set dataset.labels=labels.csv dataset.task=multilabel --runs logreg-musicnn ...

Every tag is a fact the manifest records, never heard: the class (the sources' own metadata),
the collection the score comes from (`source_id` up to its first `/`: O'Neill's and Ryan's
collections each hold two classes), and `dance` for the two dance rhythms (ABC `R: hornpipe`
and `R: strathspey`). The labels file must sit inside the song folder (`dataset.labels`), which
is why this writes a folder of links beside it rather than into realmusic-dev.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

DANCES = ("hornpipe", "strathspey")


def tags_of(row: dict) -> list[str]:
    """One clip's tags from its manifest row."""
    tags = {row["class"], row["source_id"].split("/")[0]}
    if row["class"] in DANCES:
        tags.add("dance")
    return sorted(tags)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="realmusic-dev (with MANIFEST.csv)")
    parser.add_argument("dest", type=Path, help="the tagged folder to write (links and labels.csv)")
    args = parser.parse_args(argv)
    manifest = args.source / "MANIFEST.csv"
    if not manifest.is_file():
        sys.exit(f"{manifest}: not found; expected realmusic-dev's manifest")
    with open(manifest, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        link = args.dest / row["path"]
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.is_symlink():
            link.symlink_to((args.source / row["path"]).resolve())
    with open(args.dest / "labels.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["path", "tags"])
        writer.writerows([row["path"], ";".join(tags_of(row))] for row in rows)
    counts: dict[str, int] = {}
    for row in rows:
        for tag in tags_of(row):
            counts[tag] = counts.get(tag, 0) + 1
    print(f"{args.dest / 'labels.csv'}: {len(rows)} clips, tags: "
          + ", ".join(f"{tag} {n}" for tag, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
