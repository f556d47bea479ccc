"""Song-level splits: each song's split depends on the seed and its group only."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genrepipe.dataset.split import fold_of, split_of, unit_hash

RATIOS = {"train": 0.6, "valid": 0.2, "test": 0.2}


def test_ratios_hold_on_average_and_the_seed_reshuffles():
    groups = [f"g{i}" for i in range(5000)]
    counts = Counter(split_of(g, RATIOS, seed=1) for g in groups)
    for name, ratio in RATIOS.items():
        assert counts[name] / len(groups) == pytest.approx(ratio, abs=0.02)
    other = [split_of(g, RATIOS, seed=2) for g in groups]
    assert sum(a != b for a, b in zip((split_of(g, RATIOS, 1) for g in groups), other)) > 2000
    assert {split_of(g, {"train": 1.0, "valid": 0.0, "test": 0.0}, 1) for g in groups} == {"train"}


@given(k=st.integers(3, 10), seed=st.integers(0, 2**32 - 1))
def test_folds_cover_every_fold_name(k, seed):
    folds = Counter(fold_of(f"g{i}", k, seed) for i in range(40 * k))
    assert set(folds) == {f"fold{i}" for i in range(k)}


@given(key=st.text(max_size=30), seed=st.integers(0, 2**32 - 1))
def test_unit_hash_is_a_pure_function_into_the_unit_interval(key, seed):
    assert 0.0 <= unit_hash(seed, key) < 1.0
    assert unit_hash(seed, key) == unit_hash(seed, key)
