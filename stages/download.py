"""Stage `download`: materialise the configured dataset as canonical WAV under data/raw."""

import argparse

from genrepipe.download import download
from genrepipe.params import dask_address, load_params
from genrepipe.stage import run_stage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", help="output folder (data/raw)")
    args = parser.parse_args()
    params = load_params()
    download(params, args.out_dir, jobs=params.executor.jobs, dask=dask_address(params))


if __name__ == "__main__":
    run_stage("download", main)
