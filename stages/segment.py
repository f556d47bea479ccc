"""Stage `segment`: cut every song into rolling windows of `window` seconds every `hop` seconds."""

import argparse
import logging

from genrepipe.params import dask_address, load_params
from genrepipe.segment import segment_all
from genrepipe.stage import run_stage

log = logging.getLogger("genrepipe.segment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw_dir", help="input folder with manifest.csv (data/raw)")
    parser.add_argument("out_dir", help="output folder (data/windows)")
    args = parser.parse_args()
    params = load_params()
    index = segment_all(params, args.raw_dir, args.out_dir, jobs=params.executor.jobs,
                        dask=dask_address(params))
    songs = index["songs"]
    padded = sum(1 for s in songs if s["short"] == "padded")
    log.info("%d songs, %d windows of %d samples (hop %d); %d short songs padded, %d skipped",
             len(songs), sum(s["n_windows"] for s in songs), index["window_samples"],
             index["hop_samples"], padded, len(index["skipped"]))


if __name__ == "__main__":
    run_stage("segment", main)
