"""Stage `download`: materialise the configured dataset as canonical WAV under data/raw."""

import argparse

from genrepipe.config.params import dask_address, load_params
from genrepipe.core.stage import run_stage
from genrepipe.pipeline.download import download


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", help="output folder (data/raw)")
    args = parser.parse_args()
    params = load_params()
    download(args.out_dir, dataset=params.dataset, sample_rate=params.sample_rate, seed=params.seed,
             jobs=params.executor.jobs, dask=dask_address(params.executor))


if __name__ == "__main__":
    run_stage("download", main)
