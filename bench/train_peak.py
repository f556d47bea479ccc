"""Run the train stage's code (cnn2d on a mel store) in this process; print its peak RSS in MiB
and the number of windows it trained on."""

import copy
import resource
import sys
import tempfile
from pathlib import Path

import yaml

from genrepipe.config.params import validate
from genrepipe.models.run import RunSpec, TrainPaths
from genrepipe.pipeline.train import train_run

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    features, epochs = Path(sys.argv[1]), int(sys.argv[2])
    raw = copy.deepcopy(yaml.safe_load((ROOT / "params.yaml").read_text()))
    raw["runs"] = {"cnn2d-mel": {"model": "cnn2d", "transform": "mel"}}
    raw["models"]["cnn2d"]["epochs"] = epochs
    params = validate(raw)
    with tempfile.TemporaryDirectory() as tmp:
        meta = train_run(RunSpec.from_params(params, "cnn2d-mel"),
                         TrainPaths(features, Path(tmp) / "model", Path(tmp) / "curves"))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, meta["n_train_windows"])


if __name__ == "__main__":
    main()
