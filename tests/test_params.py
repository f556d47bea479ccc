"""params.yaml validation: every branch gives one line naming the key, the value and what is allowed."""

import pytest

from genrepipe.config.params import hop_seconds, load_params, validate
from genrepipe.core.errors import ParameterError

from conftest import ROOT


def test_shipped_params_are_valid():
    params = load_params(ROOT / "params.yaml")
    assert params.window == 3.0 and params.hop is None and hop_seconds(params.window, params.hop) == 3.0
    assert params.dataset.source == "demo"
    assert set(params.transforms) == {"fft", "waveform", "stft", "mfcc", "mel", "tempogram", "musicnn", "pitch"}


def test_defaults_fill_absent_optional_keys(raw_params):
    del raw_params["segment"]
    del raw_params["transforms"]["mel"]["top_db"]
    params = validate(raw_params)
    assert params.segment.short == "pad"
    assert params.transforms.mel.top_db == 80.0


@pytest.mark.parametrize("change, message", [
    (lambda p: p.update(windw=3), r"windw=3 is an unknown key; expected one of: seed, "),
    (lambda p: p.update(window="3s"), r"window='3s' has the wrong type; expected a number > 0"),
    (lambda p: p.update(window=-1), r"window=-1 is out of range; expected a number > 0"),
    (lambda p: p.update(window=True), r"window=True has the wrong type"),
    (lambda p: p.update(hop=0), r"hop=0 is out of range; expected a number > 0 and <= 600 or null"),
    (lambda p: p.update(sample_rate=22050.5), r"sample_rate=22050.5 has the wrong type; expected an integer"),
    (lambda p: p.pop("seed"), r"seed=None is missing; expected an integer"),
    (lambda p: p["dataset"].update(source="mp3s"), r"dataset.source='mp3s' is not allowed; expected one of: demo, folder, gtzan"),
    (lambda p: p["dataset"].update(path=None), r"dataset.path=None is missing a value; expected a non-empty string"),
    (lambda p: p["dataset"].update(group="(unclosed"), r"dataset.group='\(unclosed' is not a valid regular expression \(missing \), unterminated subpattern at position 0\); expected none, folder, or a regular expression"),
    (lambda p: p["transforms"]["fft"].update(dtype="float16"), r"transforms.fft.dtype='float16' loses quiet values on a linear amplitude scale; expected float32"),
    (lambda p: p["transforms"]["waveform"].update(dtype="float16"), r"transforms.waveform.dtype='float16' loses quiet values"),
    (lambda p: p["dataset"]["ratios"].update(test=0.5), r"dataset.ratios=.* sums to 1.3; expected train \+ valid \+ test = 1"),
    (lambda p: p["dataset"]["ratios"].update(train=0.0, valid=0.8), r"dataset.ratios.train=0.0 is out of range"),
    (lambda p: p["dataset"]["demo"].update(genres=["blues", "polka"]), r"dataset.demo.genres\[1\]='polka' is not allowed"),
    (lambda p: p["dataset"]["demo"].update(songs_per_genre=0), r"dataset.demo.songs_per_genre=0 is out of range; expected an integer >= 1"),
    (lambda p: p["dataset"]["gtzan"].update(hash="5b3d6ddd"), r"dataset.gtzan.hash='5b3d6ddd' is not allowed; expected a string starting with md5: or sha256:"),
    (lambda p: p["dataset"]["gtzan"].update(urls=[]), r"dataset.gtzan.urls=\[\] has the wrong type or length"),
    (lambda p: p["dataset"]["gtzan"].update(urls=["ftp://x"]), r"dataset.gtzan.urls\[0\]='ftp://x' is not allowed"),
    (lambda p: p["fuse"].update(method="vote"), r"fuse.method='vote' is not allowed; expected one of: select, mean, stack"),
    (lambda p: p["fuse"].update(runs=["svc-mfcc", "svc-cqt"]), r"fuse.runs=\['svc-mfcc', 'svc-cqt'\] names svc-cqt, not a run; expected null \(every run\) or some of: svc-fft, "),
    (lambda p: p["segment"].update(short="crop"), r"segment.short='crop' is not allowed; expected one of: pad, skip"),
    (lambda p: p["transforms"].update(cqt={}), r"transforms.cqt={} is an unknown key; expected one of: fft, mel, metre, mfcc, musicnn, musicnn_mel, pitch, pitchgram, stft, tempogram, waveform"),
    (lambda p: p["transforms"]["mel"].update(n_mels=0), r"transforms.mel.n_mels=0 is out of range"),
    (lambda p: p["transforms"]["mel"].update(dtype="float64"), r"transforms.mel.dtype='float64' is not allowed; expected one of: float32, float16"),
    (lambda p: p["transforms"]["stft"].update(n_fft=1 << 20), r"transforms.stft.n_fft=1048576 is longer than one window; expected <= window \* sample_rate = 66150"),
    (lambda p: p["transforms"]["fft"].update(n_bins=40000), r"transforms.fft.n_bins=40000 exceeds the spectrum length"),
    (lambda p: p["transforms"]["mfcc"].update(n_mfcc=40, n_mels=20), r"transforms.mfcc.n_mfcc=40 exceeds n_mels"),
    (lambda p: p.update(transforms={}), r"transforms={} has the wrong type or length"),
    (lambda p: p["executor"].update(jobs=0), r"executor.jobs=0 is out of range"),
])
def test_invalid_params_name_key_value_and_allowed(raw_params, change, message):
    change(raw_params)
    with pytest.raises(ParameterError, match=message) as info:
        validate(raw_params)
    text = str(info.value)
    assert text.startswith("params.yaml: ") and "\n" not in text


def test_window_shorter_than_one_sample(raw_params):
    raw_params.update(window=1e-6)
    raw_params["transforms"] = {"fft": {"n_bins": 1}}
    with pytest.raises(ParameterError, match="window=1e-06 is shorter than one sample"):
        validate(raw_params)


def test_missing_or_broken_file(tmp_path):
    with pytest.raises(ParameterError, match="file not found"):
        load_params(tmp_path / "params.yaml")
    (tmp_path / "params.yaml").write_text("window: [3\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_params(tmp_path / "params.yaml")
