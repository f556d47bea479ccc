"""Song-level splits: stratified, seeded, complete, never overlapping."""

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from genrepipe.split import split_counts, stratified_folds, stratified_split

RATIOS = {"train": 0.6, "valid": 0.2, "test": 0.2}


def test_counts_per_class():
    assert split_counts(30, RATIOS) == {"train": 18, "valid": 6, "test": 6}
    assert split_counts(3, RATIOS) == {"train": 1, "valid": 1, "test": 1}
    assert split_counts(1, RATIOS) == {"train": 1, "valid": 0, "test": 0}
    assert split_counts(2, {"train": 0.1, "valid": 0.0, "test": 0.9}) == {"train": 1, "valid": 0, "test": 1}


@given(sizes=st.lists(st.integers(1, 40), min_size=1, max_size=6), seed=st.integers(0, 2**32 - 1))
def test_every_song_in_exactly_one_split_stratified(sizes, seed):
    ids = [f"c{c}.{i:03d}" for c, n in enumerate(sizes) for i in range(n)]
    labels = [song.split(".")[0] for song in ids]
    assignment = stratified_split(ids, labels, RATIOS, seed)
    assert set(assignment) == set(ids)
    for c, n in enumerate(sizes):
        got = Counter(v for k, v in assignment.items() if k.startswith(f"c{c}."))
        assert {name: got[name] for name in RATIOS} == split_counts(n, RATIOS)


def test_seeded_and_independent_of_input_order():
    ids = [f"{g}.{i}" for g in "abc" for i in range(10)]
    labels = [i[0] for i in ids]
    first = stratified_split(ids, labels, RATIOS, seed=1)
    assert stratified_split(ids[::-1], labels[::-1], RATIOS, seed=1) == first
    assert stratified_split(ids, labels, RATIOS, seed=2) != first


@given(sizes=st.lists(st.integers(1, 30), min_size=1, max_size=5), k=st.integers(3, 7),
       seed=st.integers(0, 2**32 - 1))
def test_folds_partition_the_songs_and_balance_each_class(sizes, k, seed):
    ids = [f"c{c}.{i:03d}" for c, n in enumerate(sizes) for i in range(n)]
    labels = [song.split(".")[0] for song in ids]
    folds = stratified_folds(ids, labels, k, seed)
    assert set(folds) == set(ids) and set(folds.values()) <= {f"fold{i}" for i in range(k)}
    for c, n in enumerate(sizes):
        per_fold = Counter(v for s, v in folds.items() if s.startswith(f"c{c}."))
        counts = [per_fold[f"fold{i}"] for i in range(k)]
        assert max(counts) - min(counts) <= 1 and sum(counts) == n
    assert stratified_folds(ids[::-1], labels[::-1], k, seed) == folds
