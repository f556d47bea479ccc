"""Stage `scan`: list the folder source's files (name, size, inode, times) in data/scan.tsv,
the dep `download` has instead of the folder, so that any file name works (see
genrepipe.pipeline.scan). DVC runs it at every `dvc repro` (always_changed): only a walk can
tell whether a folder outside the project changed; `download` re-runs when the listing did."""

import argparse
import logging

from genrepipe.core.stage import run_stage
from genrepipe.pipeline.scan import dataset_keys, scan

log = logging.getLogger("genrepipe.scan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", help="output file (data/scan.tsv)")
    args = parser.parse_args()
    source, path = dataset_keys()
    count = scan(args.out, source, path)
    if source == "folder":
        log.info("%d files below %s", count, path)


if __name__ == "__main__":
    run_stage("scan", main)
