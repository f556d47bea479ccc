"""The Keras 3 port of musicnn against the original implementation's outputs
(`tests/reference/musicnn_reference.npz`, made by `tests/reference/make_musicnn_reference.py` in a
throwaway environment running the original TF1 code), its transform, the fine-tunable model and
the tagger."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from genrepipe.cli import main
from genrepipe.pretrained import musicnn
from genrepipe.transforms.registry import featurize

from conftest import ROOT, make_feature_store, tone

pytestmark = pytest.mark.smoke  # CI runs these on Python 3.13 too (outputs vs the originals')

REFERENCE = np.load(ROOT / "tests/reference/musicnn_reference.npz")
STARTS = (0, 64)  # the two 187-frame patches the reference was computed on


def _patches(clip: str) -> np.ndarray:
    x = REFERENCE[f"{clip}/input"]
    return np.stack([x[s:s + musicnn.PATCH_FRAMES] for s in STARTS])


def _assert_close(ours: np.ndarray, reference: np.ndarray) -> None:
    """Within 1e-4 relative (values near zero: 1e-5 of the output's scale)."""
    np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-5 * np.abs(reference).max())


@pytest.mark.parametrize("model", musicnn.MODELS)
@pytest.mark.parametrize("clip", ["quiet", "loud"])
def test_every_output_matches_the_original(model, clip):
    network = musicnn.pretrained(model)
    assert network.count_params() == 792079
    outputs = musicnn.run(network, _patches(clip))
    for name in musicnn.OUTPUTS:
        _assert_close(outputs[name], REFERENCE[f"{clip}/{model}/{name}"])


def test_a_wrongly_wired_network_fails_the_comparison(monkeypatch):
    """Concatenating the two poolings instead of interleaving them: the check must catch it."""
    from genrepipe.core.backend import keras

    monkeypatch.setattr(musicnn, "Interleave", lambda name: keras.layers.Concatenate(name=name))
    wrong = musicnn.load_weights(musicnn.build(), "MSD_musicnn")
    outputs = musicnn.run(wrong, _patches("quiet"))
    _assert_close(outputs["max_pool"], REFERENCE["quiet/MSD_musicnn/max_pool"])  # before the error
    with pytest.raises(AssertionError):
        _assert_close(outputs["penultimate"], REFERENCE["quiet/MSD_musicnn/penultimate"])


@pytest.mark.parametrize("clip", ["quiet", "loud"])
def test_the_input_is_the_originals_but_finite(clip):
    audio = REFERENCE[f"{clip}/audio"]
    np.testing.assert_allclose(musicnn.log_mel(audio, musicnn.SR), REFERENCE[f"{clip}/input"],
                               rtol=1e-5, atol=1e-5)
    original = REFERENCE[f"{clip}/input_original"]
    with np.errstate(over="ignore"):  # the original's arithmetic: float16 before the log
        as_original = np.log10(10000 * musicnn.mel_power(audio, musicnn.SR).astype(np.float16)
                               + 1).astype(np.float32)
    # inf exactly where the original overflows; elsewhere equal but where the mel power sits on a
    # float16 rounding boundary (1 in 2,400 values on an AMD EPYC: its FFT's last float32 bits)
    np.testing.assert_array_equal(np.isinf(as_original), np.isinf(original))
    finite = np.isfinite(original)
    np.testing.assert_allclose(as_original[finite], original[finite], rtol=1e-3)
    assert np.mean(as_original[finite] != original[finite]) < 1e-3
    assert np.isfinite(musicnn.log_mel(audio, musicnn.SR)).all()
    assert np.isinf(original).any() == (clip == "loud")  # the original's float16 overflow


def test_the_transform_gives_one_vector_per_window_of_any_length():
    windows = np.stack([tone(220 * (i + 1), 3, 22050) for i in range(3)])
    settings = {"model": "MSD_musicnn", "layer": "max_pool", "dtype": "float32"}
    batch = featurize("musicnn", windows, 22050, settings)
    assert batch.shape == (3, 753) and batch.dtype == np.float32 and np.isfinite(batch).all()
    loop = np.concatenate([featurize("musicnn", w[None], 22050, settings) for w in windows])
    np.testing.assert_allclose(batch, loop, rtol=1e-4, atol=1e-5)
    longer = featurize("musicnn", np.stack([tone(300, 5, 22050)]), 22050,
                       {**settings, "layer": "pooled", "model": "MTT_musicnn"})
    assert longer.shape == (1, 1506)
    assert featurize("musicnn_mel", windows, 22050, {"dtype": "float32"}).shape == (3, 96, 188)


def test_missing_weights_are_one_clear_line(tmp_path):
    code = ("import sys; sys.modules['musicnn'] = None\n"  # not installed as a package either
            "from genrepipe.pretrained.musicnn import weights_folder\n"
            "from genrepipe.core.errors import DataError\n"
            "try:\n    weights_folder('MSD_musicnn')\nexcept DataError as exc:\n    print(exc)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "GENREPIPE_WEIGHTS": str(tmp_path)})
    assert result.stdout == (f"musicnn: the pretrained weights not found (looked in {tmp_path}/musicnn); "
                             "get them: python -m genrepipe.pretrained.wheels (`make venv` runs it)\n")


def test_fine_tuning_trains_the_head_and_saves_a_loadable_model(raw_params, tmp_path):
    from genrepipe.config.params import validate
    from genrepipe.models.trained import TrainedRun

    from conftest import train_stage

    folder = make_feature_store(tmp_path / "musicnn_mel", (96, 188), name="musicnn_mel",
                                songs_per_split={"train": 2, "valid": 1, "test": 1}, n_windows=(2, 2))
    raw_params["transforms"] = {"musicnn_mel": {}}
    raw_params["runs"] = {"ft": {"model": "musicnn", "transform": "musicnn_mel"}}
    raw_params["models"] = {"musicnn": {"freeze": "all", "epochs": 1, "batch_size": 8}}
    meta = train_stage("ft", validate(raw_params), folder, tmp_path / "models/ft", tmp_path / "curves")
    assert meta["normalization"] is None and meta["history"]["epochs_run"] == 1
    trained = TrainedRun(tmp_path / "models/ft")
    frozen = trained.model.get_layer("timbral_74")
    assert not frozen.trainable and trained.model.get_layer("genre").trainable
    pretrained = musicnn.pretrained("MSD_musicnn").get_layer("timbral_74").get_weights()[0]
    np.testing.assert_array_equal(frozen.get_weights()[0], pretrained)  # frozen: unchanged
    x = np.load(next(folder.glob("*.npy")))
    assert trained.predict_windows(x).shape == (2, 3)


def test_predict_tags_ranks_the_taggers_tags(tmp_path, capsys):
    song = tmp_path / "song.wav"
    sf.write(song, tone(330, 7, 22050), 22050)
    assert main(["predict", str(song), "--tags", "--top", "3", "--timeline", str(tmp_path / "t.png")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{song}  (7.0 s, 2 patches of 3 s, MSD_musicnn tags)"
    assert len(out) == 4 and out[1].startswith("   1. ") and out[1].endswith("%")
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["predict", str(song), "--tags", "--tagger", "MTT_musicnn", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)  # one JSON object per song
    ranking = result["ranking"]
    assert result["model"] == "MTT_musicnn" and len(ranking) == 5
    assert {r["tag"] for r in ranking} <= set(musicnn.MTT_LABELS)
    probabilities = [r["probability"] for r in ranking]
    assert probabilities == sorted(probabilities, reverse=True) and 0 < probabilities[0] < 1
