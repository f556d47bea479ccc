"""Stage `segment`: cut every song into rolling windows of `window` seconds every `hop` seconds."""

import argparse
import logging

from genrepipe.config.params import dask_address, hop_seconds, load_params
from genrepipe.core.stage import run_stage
from genrepipe.pipeline.segment import segment_all

log = logging.getLogger("genrepipe.segment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw_dir", help="input folder with manifest.csv (data/raw)")
    parser.add_argument("augmented_dir", help="input folder with manifest.csv (data/augmented)")
    parser.add_argument("out_dir", help="output folder (data/windows)")
    args = parser.parse_args()
    params = load_params()
    index = segment_all(args.raw_dir, args.augmented_dir, args.out_dir,
                        sample_rate=params.sample_rate, window=params.window,
                        hop=hop_seconds(params.window, params.hop), short=params.segment.short,
                        jobs=params.executor.jobs, dask=dask_address(params.executor))
    songs = index["songs"]
    padded = sum(1 for s in songs if s["short"] == "padded")
    log.info("%d songs, %d windows of %d samples (hop %d); %d short songs padded, %d skipped",
             len(songs), sum(s["n_windows"] for s in songs), index["window_samples"],
             index["hop_samples"], padded, len(index["skipped"]))


if __name__ == "__main__":
    run_stage("segment", main)
