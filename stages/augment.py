"""Stage `augment`: seeded pitch-shifted / time-stretched copies of the training songs."""

import argparse
import logging

from genrepipe.config.params import dask_address, load_params
from genrepipe.core.stage import run_stage
from genrepipe.pipeline.augment import augment_all

log = logging.getLogger("genrepipe.augment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw_dir", help="input folder with manifest.csv (data/raw)")
    parser.add_argument("out_dir", help="output folder (data/augmented)")
    args = parser.parse_args()
    params = load_params()
    rows = augment_all(args.raw_dir, args.out_dir, augment=params.augment, seed=params.seed,
                       jobs=params.executor.jobs, dask=dask_address(params.executor))
    log.info("%d augmented copies of training songs", len(rows))


if __name__ == "__main__":
    run_stage("augment", main)
