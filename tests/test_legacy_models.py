"""Model folders trained before the package moved into rooms (genrepipe at 2f33f80, made by
`tests/legacy/make_legacy.py`) still load and predict what they predicted then: the saved files
name no module that moved (skops' trusted classes and Keras' registered layers live where they
did), and meta.json is read as it was written."""

import json

import numpy as np
import pytest

from genrepipe.cli import main
from genrepipe.models.trained import TrainedRun
from genrepipe.predict import predict_song

from conftest import ROOT

LEGACY = ROOT / "tests/legacy/2f33f80"
EXPECTED = json.loads((LEGACY / "expected.json").read_text())


def test_every_legacy_folder_is_checked():
    folders = {p.name for p in LEGACY.iterdir() if p.is_dir()}
    assert folders == set(EXPECTED) == {"svc-mfcc", "cnn1d-mfcc", "logreg-mfcc-song", "svc-mfcc-kfold"}


@pytest.mark.parametrize("run", sorted(EXPECTED))
def test_a_model_trained_before_the_rooms_predicts_as_it_did(run):
    prediction = predict_song(TrainedRun(LEGACY / run), LEGACY / "clip.wav")
    assert prediction.classes == EXPECTED[run]["classes"]
    np.testing.assert_allclose(prediction.window_probs, EXPECTED[run]["window_probs"], atol=1e-6)
    np.testing.assert_allclose(prediction.probs, EXPECTED[run]["probs"], atol=1e-6)


def test_genrepipe_predict_with_a_legacy_model_dir(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no project here: everything comes from the folder
    assert main(["predict", str(LEGACY / "clip.wav"), "--model-dir", str(LEGACY / "cnn1d-mfcc"),
                 "--json"]) == 0
    song = json.loads(capsys.readouterr().out)  # one JSON object per song
    expected = dict(zip(EXPECTED["cnn1d-mfcc"]["classes"], EXPECTED["cnn1d-mfcc"]["probs"], strict=True))
    assert {r["class"]: r["probability"] for r in song["ranking"]} == pytest.approx(expected, abs=1e-6)
