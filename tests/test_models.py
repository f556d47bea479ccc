"""Each model fits and predicts on a tiny generated store, through the train stage's code path."""

import json

import numpy as np
import pytest

from genrepipe.config.params import validate
from genrepipe.core.errors import DataError, ParameterError
from genrepipe.dataset.featureset import FeatureSet
from genrepipe.models import cnn1d, cnn2d
from genrepipe.models.registry import MODELS
from genrepipe.models.trained import TrainedRun
from genrepipe.models.vectors import window_vectors
from genrepipe.pipeline.evaluate import evaluate_run

from conftest import TINY_CNN, complete_settings, make_feature_store, train_stage




def _params(raw_params, model, transform, **settings):
    raw_params["runs"] = {"r": {"model": model, "transform": transform}}
    raw_params["models"] = {model: settings}
    return validate(raw_params)


@pytest.mark.parametrize("model, transform, shape, settings", [
    ("svc", "mel", (6, 4), {"C": 1.0}),
    ("svc", "fft", (12,), {}),
    ("rfc", "mfcc", (6, 4), {"n_estimators": 20}),
    ("linsvm", "mel", (6, 4), {}),
    ("logreg", "fft", (12,), {}),
    ("knn", "mel", (6, 4), {"n_neighbors": 3}),
    ("mlp", "mel", (6, 4), {"hidden": [16], "max_iter": 200}),
    ("perceptron", "mel", (6, 4), {}),
    ("elm", "mel", (6, 4), {"n_hidden": 50}),
    ("cnn1d", "mfcc", (6, 8), TINY_CNN),
    ("cnn1d", "fft", (16,), TINY_CNN),
    ("cnn2d", "mel", (8, 8), {**TINY_CNN, "batch_augment": {"noise_std": 0.1}}),
    ("crnn", "mel", (8, 8), {**TINY_CNN, "units": 4}),
    ("autoencoder", "mel", (8, 10), {**TINY_CNN, "pretrain_epochs": 2}),
    ("autoencoder", "mel", (8, 10), {**TINY_CNN, "pretrain_epochs": 2, "pool": "global"}),
    ("crnn", "mfcc", (8, 8), {**TINY_CNN, "units": 4, "rnn": "lstm"}),
    ("samplecnn", "waveform", (243,), {"filters": [4, 4, 8], "dense": 8, "epochs": 2, "batch_size": 8}),
    ("samplecnn", "waveform", (243,), {"filters": [4, 8], "block": "se", "dense": 8, "epochs": 2}),
    ("samplecnn", "waveform", (243,), {"filters": [4, 8], "level": "none", "dense": 8, "epochs": 2}),
    ("randomcnn", "mel", (8, 8), {"filters": [4, 4]}),
    ("randomcnn", "waveform", (81,), {"filters": [4, 4]}),
    ("randomcnn", "mel", (8, 8), {"architecture": "single_7x86", "n_filters": 8, "classifier": "elm",
                                  "n_hidden": 50}),
    ("randomcnn", "waveform", (1024,), {"architecture": "frame_level", "n_filters": 4}),
])
def test_fit_save_load_predict(raw_params, tmp_path, model, transform, shape, settings):
    folder = make_feature_store(tmp_path / transform, shape, name=transform)
    params = _params(raw_params, model, transform, **settings)
    meta = train_stage("r", params, folder, tmp_path / "models/r", tmp_path / "curves/r")
    assert meta["classes"] == ["a", "b", "c"] and meta["window_shape"] == list(shape)
    assert (meta["normalization"] is None) == (not MODELS[model].band_normalised)
    assert (tmp_path / "curves/r/plots/metrics/train/accuracy.tsv").is_file()
    assert not (tmp_path / "models/r.partial").exists()

    trained = TrainedRun(tmp_path / "models/r")
    features = FeatureSet(folder)
    song = features.songs("test")[0]
    probs = trained.predict_windows(np.asarray(features.load(song["song_id"])))
    assert probs.shape == (song["n_windows"], 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    metrics = evaluate_run("r", tmp_path / "models/r", folder, tmp_path / "metrics")
    assert metrics["test"]["n_songs"] == 6 and metrics["valid"]["n_songs"] == 6
    vectors = MODELS[model].family == "sklearn" and not MODELS[model].whole_windows
    if vectors or (model, transform) == ("randomcnn", "mel"):  # separable: must find it
        assert metrics["test"]["song_accuracy"] == 1.0


def test_same_seed_same_results(raw_params, tmp_path):
    folder = make_feature_store(tmp_path / "mel", (8, 8))
    for model, settings in (("rfc", {"n_estimators": 10}), ("svc", {}), ("mlp", {"hidden": [8]}),
                            ("elm", {"n_hidden": 20}), ("cnn2d", TINY_CNN)):
        params = _params(raw_params, model, "mel", **settings)
        probs = []
        for attempt in range(2):
            train_stage("r", params, folder, tmp_path / f"{model}{attempt}", tmp_path / f"c{model}{attempt}")
            trained = TrainedRun(tmp_path / f"{model}{attempt}")
            probs.append(trained.predict_windows(np.asarray(FeatureSet(folder).load("a.test0"))))
        np.testing.assert_array_equal(probs[0], probs[1], err_msg=model)


def test_window_vectors_and_layouts():
    images = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)
    vectors = window_vectors(images)
    assert vectors.shape == (2, 6)
    np.testing.assert_allclose(vectors[0, :3], images[0].mean(axis=1))
    np.testing.assert_allclose(vectors[0, 3:], images[0].std(axis=1))
    assert window_vectors(images[:, :, 0]).shape == (2, 3)
    assert cnn2d.layout(images).shape == (2, 3, 4, 1)
    assert cnn1d.layout(images).shape == (2, 4, 3)
    assert cnn1d.layout(images[:, :, 0]).shape == (2, 3, 1)


def test_wrong_features_for_a_run(raw_params, tmp_path):
    folder = make_feature_store(tmp_path / "mfcc", (6, 4), name="mfcc")
    params = _params(raw_params, "svc", "mel")
    with pytest.raises(DataError, match="holds 'mfcc' features; run 'r' needs 'mel'"):
        train_stage("r", params, folder, tmp_path / "m", tmp_path / "c")
    with pytest.raises(DataError, match="not a trained run"):
        TrainedRun(tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_a_tampered_skops_file_is_refused(raw_params, tmp_path):
    from fractions import Fraction

    import skops.io

    folder = make_feature_store(tmp_path / "mel", (6, 4))
    train_stage("r", _params(raw_params, "svc", "mel"), folder, tmp_path / "m", tmp_path / "c")
    skops.io.dump({"evil": Fraction(1, 3)}, tmp_path / "m/model.skops")
    with pytest.raises(DataError, match="holds types genrepipe does not save"):
        TrainedRun(tmp_path / "m")


@pytest.mark.parametrize("runs, message", [
    ({"bad": {"model": "cnn2d", "transform": "fft"}},
     r"runs.bad=\{'model': 'cnn2d', 'transform': 'fft'\} pairs cnn2d with fft \(one vector per "
     r"window\); expected a cnn2d transform giving a \(bands, frames\) image per window"),
    ({"raw": {"model": "svc", "transform": "waveform"}}, r"pairs svc with waveform \(the samples of "
     r"the window\); expected a svc transform giving one vector per window or a \(bands, frames\)"),
    ({"x": {"model": "lstm", "transform": "mel"}}, r"runs.x.model='lstm' is not allowed; expected one of: autoencoder, cnn1d, cnn2d, crnn, elm, knn, "),
    ({"Bad Name": {"model": "svc", "transform": "mel"}}, r"runs.Bad Name=.* has an invalid name"),
    ({"x": {"model": "svc"}}, r"runs.x.transform=None is missing"),
])
def test_run_validation(raw_params, runs, message):
    raw_params["runs"] = runs
    with pytest.raises(ParameterError, match=message):
        validate(raw_params)


def test_run_needs_a_computed_transform(raw_params):
    del raw_params["transforms"]["stft"]
    raw_params["runs"] = {"x": {"model": "rfc", "transform": "stft"}}
    with pytest.raises(ParameterError, match=r"runs.x.transform='stft' is not computed"):
        validate(raw_params)


@pytest.mark.parametrize("key, value, message", [
    ("C", 0, r"models.svc.C=0 is out of range"),
    ("gamma", "wide", r"models.svc.gamma='wide' is not allowed; expected one of: scale, auto or a number > 0"),
])
def test_model_settings_validation(raw_params, key, value, message):
    raw_params["models"]["svc"][key] = value
    with pytest.raises(ParameterError, match=message):
        validate(raw_params)


def test_cnn_settings_validation(raw_params):
    raw_params["models"]["cnn2d"]["filters"] = []
    with pytest.raises(ParameterError, match=r"models.cnn2d.filters=\[\] has the wrong type or length"):
        validate(raw_params)
    raw_params["models"]["cnn2d"]["filters"] = [8]
    raw_params["models"]["cnn2d"]["batch_augment"] = {"noise": 1}
    with pytest.raises(ParameterError, match=r"models.cnn2d.batch_augment.noise=1 is an unknown key"):
        validate(raw_params)


def test_a_params_file_from_before_the_batch_augment_rename_still_runs(raw_params, caplog):
    block = raw_params["models"]["cnn2d"]
    block["augment"] = {**block.pop("batch_augment"), "mixup": 0.0}
    settings = validate(raw_params).models.cnn2d
    assert "augment" not in settings and caplog.records == []  # said when read, not before
    assert settings["batch_augment"]["mixup"] == 0.0 and settings.batch_augment["shift"] is True
    assert [r.getMessage() for r in caplog.records] == [
        "params.yaml: models.cnn2d.augment is deprecated, read as models.cnn2d.batch_augment; "
        "rename it to batch_augment"]  # once
    block["batch_augment"] = {}
    with pytest.raises(ParameterError, match=r"models.cnn2d.augment=.* is the old name of "
                                             r"models.cnn2d.batch_augment, which is also given"):
        validate(raw_params)


def test_every_class_needs_train_songs(raw_params, tmp_path):
    folder = make_feature_store(tmp_path / "mel", (6, 4), songs_per_split={"train": 2, "test": 1})
    index = json.loads((folder / "index.json").read_text())
    for song in index["songs"]:
        if song["label"] == "c":
            song["split"] = "test"
    (folder / "index.json").write_text(json.dumps(index))
    with pytest.raises(DataError, match="no train songs of class\\(es\\) c; every class needs"):
        train_stage("r", _params(raw_params, "rfc", "mel"), folder, tmp_path / "m", tmp_path / "c")


def test_elm_is_a_scikit_learn_classifier():
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score

    from genrepipe.models.elm import ExtremeLearningMachine

    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (40, 5)), rng.normal(2, 1, (40, 5))]
    y = np.array(["low"] * 40 + ["high"] * 40)
    elm = ExtremeLearningMachine(n_hidden=64, alpha=0.1, random_state=3)
    assert clone(elm).get_params() == {"n_hidden": 64, "alpha": 0.1, "random_state": 3}
    assert cross_val_score(elm, X, y, cv=4).mean() > 0.9
    fitted = elm.fit(X, y)
    assert set(fitted.predict(X)) <= {"low", "high"} and list(fitted.classes_) == ["high", "low"]
    proba = fitted.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (fitted.predict(X) == fitted.classes_[proba.argmax(axis=1)]).all()
    again = ExtremeLearningMachine(n_hidden=64, alpha=0.1, random_state=3).fit(X, y)
    np.testing.assert_array_equal(again.hidden_weights_, fitted.hidden_weights_)


def test_randomcnn_features_are_fixed_by_the_seed_and_survive_saving(tmp_path):
    import skops.io

    from genrepipe.models.classic import load as load_skops
    from genrepipe.models.randomcnn import RandomCNNFeatures

    X = np.random.default_rng(0).normal(size=(5, 8 * 8)).astype(np.float32)
    first = RandomCNNFeatures(window_shape=(8, 8), filters=(4, 6), random_state=1).fit(X)
    features = first.transform(X)
    assert features.shape == (5, 2 * (4 + 6)) and np.isfinite(features).all()
    np.testing.assert_allclose(RandomCNNFeatures((8, 8), (4, 6), random_state=1).fit(X).transform(X), features,
                               rtol=1e-6)
    assert not np.allclose(RandomCNNFeatures((8, 8), (4, 6), random_state=2).fit(X).transform(X), features)
    skops.io.dump(first, tmp_path / "f.skops")
    loaded = load_skops(tmp_path / "f.skops")
    np.testing.assert_allclose(loaded.transform(X), features, rtol=1e-6)


@pytest.mark.parametrize("architecture, shape, n, width", [
    # seed 000's feature sizes: the mean of every map of the default layers
    ("sample_level", (2187,), 4, 7 * 4),          # strided conv + 6 pooled blocks
    ("frame_level", (2048,), 4, 4 * 4),           # front end + 3 back-end layers
    ("frame_level_many", (2048,), 4, 8 * 4),      # 5 front ends + 3 back-end layers
    ("single_7x86", (20, 16), 8, 8),              # the pooled maps only
    ("single_7x96", (20, 16), 8, 8),
    ("temporal", (20, 16), 8, 14 * 8),            # (1 + 2 + 4 + 8) n - 4 n/4
])
def test_seed000_architectures(architecture, shape, n, width):
    from genrepipe.models.randomcnn import RandomCNNFeatures

    X = np.random.default_rng(0).normal(size=(3, int(np.prod(shape)))).astype(np.float32)
    features = RandomCNNFeatures(shape, architecture=architecture, n_filters=n, random_state=0).fit(X)
    out = features.transform(X)
    assert out.shape == (3, width) and np.isfinite(out).all() and (out >= 0).all()  # means of ReLUs
    assert out.std(axis=0).max() > 0  # windows differ
    chosen = RandomCNNFeatures(shape, architecture=architecture, n_filters=n, layers=(0,)).fit(X)
    assert chosen.transform(X).shape[1] == (width if architecture == "temporal" else n)  # layer 0


def test_randomcnn_layers_beyond_the_architecture_are_refused():
    from genrepipe.models.randomcnn import RandomCNNFeatures

    with pytest.raises(ParameterError, match=r"^params.yaml: models.randomcnn.layers=\[2\] is out "
                                             r"of range: architecture single_7x96 has 2 layer\(s\); "
                                             r"expected indices 0 to 1, or null$"):
        RandomCNNFeatures((20, 16), architecture="single_7x96", n_filters=2, layers=(2,)).fit(
            np.zeros((1, 320), np.float32))


def test_single_7x86_filters_span_ninety_percent_of_the_bands():
    from genrepipe.models.randomcnn import RandomCNNFeatures

    network = RandomCNNFeatures((50, 20), architecture="single_7x86", n_filters=2).fit(
        np.zeros((1, 1000), np.float32))._network()
    kernel = next(w for w in network.get_weights() if w.ndim == 4)
    assert kernel.shape == (7, 45, 1, 2)  # 7 frames x int(0.9 * 50) bands


def test_randomcnn_architecture_must_fit_the_transform(raw_params):
    raw_params["models"]["randomcnn"]["architecture"] = "temporal"
    raw_params["runs"] = {"r": {"model": "randomcnn", "transform": "waveform"}}
    with pytest.raises(ParameterError, match=r"runs\.r.*models\.randomcnn: architecture temporal "
                                             r"needs a spectrogram"):
        validate(raw_params)


def test_autoencoder_pretrains_then_freezes_its_encoder(raw_params, tmp_path):
    from genrepipe.models.autoencoder import CODE

    folder = make_feature_store(tmp_path / "mel", (6, 9))  # odd sizes: the decoder crops
    params = _params(raw_params, "autoencoder", "mel", **TINY_CNN, pretrain_epochs=3)
    meta = train_stage("r", params, folder, tmp_path / "m", tmp_path / "c")
    losses = meta["history"]["reconstruction_loss"]
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert (tmp_path / "c/plots/metrics/pretrain/loss.tsv").is_file()
    network = TrainedRun(tmp_path / "m").model
    encoder = network.layers[:[layer.name for layer in network.layers].index(CODE) + 1]
    assert not any(layer.trainable for layer in encoder if layer.weights)
    assert all(layer.trainable for layer in network.layers[len(encoder):] if layer.weights)


def test_samplecnn_structure():
    from genrepipe.models.samplecnn import build_network

    settings = complete_settings("samplecnn", filters=[8, 8, 16, 16], block="se", se_ratio=0.25,
                                 dense=8, dropout=0.1)
    network = build_network((729, 1), 4, settings)
    names = [layer.__class__.__name__ for layer in network.layers]
    assert names.count("MaxPooling1D") == 3 and names.count("Multiply") == 3
    convs = [layer for layer in network.layers if layer.__class__.__name__ == "Conv1D"]
    assert [c.kernel_size for c in convs] == [(3,)] * 4 and convs[0].strides == (3,)
    assert network.output_shape == (None, 4)


@pytest.mark.parametrize("level", ["window", "none"])
def test_samplecnn_window_level_makes_the_network_deaf_to_loudness(level):
    from genrepipe.models.samplecnn import build_network

    settings = complete_settings("samplecnn", filters=[4, 4, 8], block="basic", dense=8, dropout=0.0,
                                 level=level)
    network = build_network((243, 1), 3, settings)
    quiet = np.random.default_rng(0).normal(size=(4, 243, 1)).astype(np.float32) * 0.1
    change = np.abs(network.predict(quiet, verbose=0) - network.predict(quiet * 5, verbose=0)).max()
    assert (change < 1e-4) == (level == "window"), change


@pytest.mark.parametrize("pool, width", [("time", 2 * 4 * 8), ("global", 2 * 8)])
def test_autoencoder_head_sees_band_rows_when_pooling_over_time(pool, width):
    from genrepipe.models.autoencoder import build_network

    settings = complete_settings("autoencoder", **TINY_CNN, pool_size=2, dropout=0.0, pool=pool)
    network = build_network((16, 20, 1), 3, settings)  # code: 4 band rows x 5 frames x 8 maps
    assert network.get_layer("embedding").input.shape == (None, width)


@pytest.mark.parametrize("model, settings", [("svc", {}), ("cnn1d", TINY_CNN)])
def test_kfold_run_trains_one_model_per_fold_and_reports_mean_and_std(raw_params, tmp_path, model, settings):
    folds = {f"fold{i}": 2 for i in range(3)}
    folder = make_feature_store(tmp_path / "mfcc", (6, 8), name="mfcc", songs_per_split=folds)
    params = _params(raw_params, model, "mfcc", **settings)
    meta = train_stage("r", params, folder, tmp_path / "models/r", tmp_path / "curves/r")
    assert meta["folds"] == ["fold0", "fold1", "fold2"] and len(meta["history"]) == 3
    for fold in meta["folds"]:
        fold_meta = json.loads((tmp_path / f"models/r/{fold}/meta.json").read_text())
        # scikit-learn trains on the k-1 other folds; a Keras model keeps one for early stopping
        assert fold_meta["n_train_songs"] == 3 * 2 * (1 if model == "cnn1d" else 2)
        assert (tmp_path / f"curves/r/plots/metrics/{fold}/train/accuracy.tsv").is_file()
    metrics = evaluate_run("r", tmp_path / "models/r", folder, tmp_path / "metrics")
    assert set(metrics) == {"test", "folds", "calibration"} and metrics["test"]["n_songs"] == 18
    assert set(metrics["calibration"]["fold_temperatures"]) == {"fold0", "fold1", "fold2"}
    assert metrics["folds"]["k"] == 3
    folds = metrics["folds"]
    assert folds["song_accuracy_lo"] <= folds["song_accuracy_mean"] <= folds["song_accuracy_hi"]
    test = metrics["test"]
    assert test["song_accuracy_lo"] <= test["song_accuracy"] <= test["song_accuracy_hi"]
    rows = json.loads((tmp_path / "metrics/r/confusion.json").read_text())
    assert len(rows) == 18  # every song tested exactly once
    songs = (tmp_path / "metrics/r/songs.csv").read_text().splitlines()
    assert len(songs) == 1 + 18 and {line.split(",")[0] for line in songs[1:]} == set(meta["folds"])
    trained = TrainedRun(tmp_path / "models/r")
    x = np.asarray(FeatureSet(folder).load(FeatureSet(folder).songs()[0]["song_id"]))
    np.testing.assert_allclose(trained.predict_windows(x),
                               np.mean([m.predict_windows(x) for m in trained.members], axis=0))


def test_kfold_params(raw_params):
    raw_params["dataset"].update(split="kfold", folds=2)
    with pytest.raises(ParameterError, match="dataset.folds=2 is out of range; expected an integer >= 3"):
        validate(raw_params)
    raw_params["dataset"].update(folds=4, source="gtzan")
    with pytest.raises(ParameterError, match="dataset.split='kfold' is not used with dataset.source='gtzan'"):
        validate(raw_params)


def test_mixed_precision_trains_in_float16_and_restores_the_policy(raw_params, tmp_path):
    from genrepipe.core.backend import keras

    folder = make_feature_store(tmp_path / "mel", (8, 8))
    raw_params["train"] = {"mixed_precision": True}
    params = _params(raw_params, "cnn2d", "mel", **TINY_CNN)
    train_stage("r", params, folder, tmp_path / "m", tmp_path / "c")
    assert keras.mixed_precision.global_policy().name == "float32"
    trained = TrainedRun(tmp_path / "m")
    conv = next(layer for layer in trained.model.layers if layer.__class__.__name__ == "Conv2D")
    assert conv.dtype_policy.name == "mixed_float16"
    probs = trained.predict_windows(np.asarray(FeatureSet(folder).load("a.test0")))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-3)


def test_a_run_that_learned_nothing_is_flagged(raw_params, tmp_path, caplog):
    """Labels shuffled against the features: nothing to learn, and the evaluation says so."""
    folder = make_feature_store(tmp_path / "mel", (8, 8), songs_per_split={"train": 6, "valid": 8, "test": 4})
    index = json.loads((folder / "index.json").read_text())
    labels = [s["label"] for s in index["songs"]]
    rng = np.random.default_rng(3)
    for song, label in zip(index["songs"], rng.permutation(labels), strict=True):
        song["label"] = label
    (folder / "index.json").write_text(json.dumps(index))
    params = _params(raw_params, "svc", "mel")
    train_stage("r", params, folder, tmp_path / "models/r", tmp_path / "curves/r")
    metrics = evaluate_run("r", tmp_path / "models/r", folder, tmp_path / "metrics")
    assert metrics["valid"]["above_chance"] is False
    assert metrics["valid"]["majority_rate"] == pytest.approx(max(np.unique(
        [s["label"] for s in index["songs"] if s["split"] == "valid"], return_counts=True)[1]) / 24)
    assert "learned nothing the valid songs show" in caplog.text
    # the same store with its labels left alone: learnable, not flagged
    clean = make_feature_store(tmp_path / "clean", (8, 8), songs_per_split={"train": 6, "valid": 8, "test": 4})
    train_stage("r", params, clean, tmp_path / "models/c", tmp_path / "curves/c")
    assert evaluate_run("r", tmp_path / "models/c", clean, tmp_path / "m2")["valid"]["above_chance"] is True


@pytest.mark.parametrize("model, settings", [("svc", {"C": 1.0}), ("logreg", {})])
def test_a_song_level_run_learns_one_row_per_song(raw_params, tmp_path, model, settings):
    # one row a song: ten training songs a class, where the window-level tests have four
    folder = make_feature_store(tmp_path / "mel", (6, 4), name="mel",
                                songs_per_split={"train": 10, "valid": 2, "test": 2})
    raw_params["runs"] = {"r": {"model": model, "transform": "mel", "level": "song"}}
    raw_params["models"] = {model: settings}
    meta = train_stage("r", validate(raw_params), folder, tmp_path / "models/r", tmp_path / "curves/r")
    assert meta["level"] == "song"
    features = FeatureSet(folder)
    n_train = len(features.songs("train"))
    assert meta["n_train_songs"] == n_train
    trained = TrainedRun(tmp_path / "models/r")
    assert trained.model[-1].n_features_in_ == 2 * 2 * 6  # mean and std over windows of 12 values
    song = features.songs("test")[0]
    probs = trained.predict_windows(np.asarray(features.load(song["song_id"])))
    assert probs.shape == (song["n_windows"], 3) and (probs == probs[0]).all()  # the song's row
    metrics = evaluate_run("r", tmp_path / "models/r", folder, tmp_path / "metrics")
    assert metrics["test"]["song_accuracy"] == 1.0  # separable songs


def test_song_level_is_for_vector_models(raw_params):
    raw_params["runs"] = {"r": {"model": "cnn2d", "transform": "mel", "level": "song"}}
    with pytest.raises(ParameterError, match=r"runs.r.level='song' is for models of one vector per "
                                             r"window; cnn2d takes windows in batches"):
        validate(raw_params)
    raw_params["runs"]["r"].update(model="svc", level="bar")
    with pytest.raises(ParameterError, match=r"runs.r.level='bar' is not allowed; expected one of: "
                                             r"window, song"):
        validate(raw_params)


def test_search_chooses_settings_inside_the_training_songs(raw_params, tmp_path):
    folder = make_feature_store(tmp_path / "mel", (6, 4), name="mel",
                                songs_per_split={"train": 6, "valid": 2, "test": 2})
    params = _params(raw_params, "logreg", "mel", search={"C": [1e-6, 1.0]})
    meta = train_stage("r", params, folder, tmp_path / "models/r", tmp_path / "curves/r")
    search = meta["history"]["search"]
    assert search["tried"] == [{"C": 1e-6}, {"C": 1.0}] and search["chosen"] == {"C": 1.0}
    assert search["song_accuracy"][1] > search["song_accuracy"][0]
    assert TrainedRun(tmp_path / "models/r").model[-1].C == 1.0  # trained with the choice
    assert meta["model_params"]["search"] == {"C": [1e-6, 1.0]}  # what the user asked for


@pytest.mark.parametrize("search, message", [
    ({"max_iter": [10]}, r"models.logreg.search.max_iter=\[10\] is not a key to search; expected one of: C"),
    ({"C": []}, r"models.logreg.search.C=\[\] has the wrong type; expected a non-empty list"),
    ({"C": [1.0, -1]}, r"models.logreg.search.C\[1\]=-1 is out of range"),
])
def test_search_grid_validation(raw_params, search, message):
    raw_params["models"]["logreg"] = {"search": search}
    with pytest.raises(ParameterError, match=message):
        validate(raw_params)
