"""Stage `novelty`: how the songs sound, the training songs' range of it and the line beyond
which a song is unknown (unlike the training songs), set on the valid songs (k-fold: each fold
against the others); the detector in models/novelty, for `genrepipe predict`."""

import argparse

from genrepipe.config.params import dask_address, load_params
from genrepipe.core.stage import run_stage
from genrepipe.pipeline.novelty import fit_novelty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("windows_dir", help="input folder (data/windows)")
    parser.add_argument("model_dir", help="output folder (models/novelty): the detector")
    parser.add_argument("metrics_dir", help="output folder (metrics): novelty.json and novelty/songs.csv")
    args = parser.parse_args()
    params = load_params()
    fit_novelty(args.windows_dir, args.model_dir, args.metrics_dir, jobs=params.executor.jobs,
                dask=dask_address(params.executor))


if __name__ == "__main__":
    run_stage("novelty", main)
