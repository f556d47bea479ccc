"""Model archives rewritten canonically: equal models give equal bytes and still load."""

import copy
import zipfile

import numpy as np
import skops.io

from genrepipe.core.archives import ZIP_EPOCH, canonical_keras, canonical_skops
from genrepipe.core.backend import keras, seed_everything
from genrepipe.models.classic import build_classifier, load as load_skops
from genrepipe.models.registry import get_model


def _fitted_pipeline():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 6)).astype(np.float32), np.repeat([0, 1, 2], 20)
    settings = {"C": 1.0, "gamma": "scale"}
    return build_classifier(get_model("svc"), settings, seed=0, cv=3).fit(x, y), x


def test_skops_copies_of_one_pipeline_give_one_file_that_loads(tmp_path):
    pipeline, x = _fitted_pipeline()
    paths = [tmp_path / "a.skops", tmp_path / "b.skops"]
    skops.io.dump(pipeline, paths[0])
    skops.io.dump(copy.deepcopy(pipeline), paths[1])  # other objects, other id()s
    assert paths[0].read_bytes() != paths[1].read_bytes()
    for path in paths:
        canonical_skops(path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with zipfile.ZipFile(paths[0]) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_EPOCH}
        assert archive.namelist()[0] == "schema.json" and "000000.npy" in archive.namelist()
    np.testing.assert_array_equal(load_skops(paths[0]).predict_proba(x), pipeline.predict_proba(x))


def _network():
    keras.backend.clear_session()  # layer names restart, as in a new stage process
    seed_everything(3)
    inputs = keras.Input((8,))
    norm = keras.layers.BatchNormalization()(inputs)
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.Dense(4)(norm))
    return keras.Model(inputs, outputs)


def test_keras_rebuilt_network_gives_one_file_that_loads(tmp_path):
    paths = [tmp_path / "a.keras", tmp_path / "b.keras"]
    for path in paths:  # two builds: new objects (shared_object_id is their id()), new save time
        _network().save(path)
    assert paths[0].read_bytes() != paths[1].read_bytes()
    for path in paths:
        canonical_keras(path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with zipfile.ZipFile(paths[0]) as archive:
        assert "date_saved" not in archive.read("metadata.json").decode()
        assert {info.date_time for info in archive.infolist()} == {ZIP_EPOCH}
    x = np.random.default_rng(1).normal(size=(5, 8)).astype(np.float32)
    loaded = keras.saving.load_model(paths[0])
    np.testing.assert_allclose(loaded.predict(x, verbose=0), _network().predict(x, verbose=0), rtol=1e-6)
