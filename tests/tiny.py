"""Tiny settings shared by the tests and the fault suite (`bench/faultkit`): networks that
train in seconds, and a seed that gives every class of a tiny demo set every split."""

# a Keras network of two small conv blocks, two epochs, early stopping from the first
TINY_CNN = {"filters": [4, 8], "kernel_size": 3, "dense": 8, "epochs": 2, "patience": 1,
            "min_epochs": 1, "batch_size": 8}


def seed_with_every_split(genres, songs_per_genre: int, ratios=None) -> int:
    """The first seed whose hashed split of a demo set gives every genre a train, a valid and a
    test song (tiny sets need one: a split is a hash per song, not a quota per class)."""
    from genrepipe.dataset.split import split_of

    ratios = ratios or {"train": 0.6, "valid": 0.2, "test": 0.2}
    for seed in range(10000):
        if all({split_of(f"{g}.{i:05d}", ratios, seed) for i in range(songs_per_genre)}
               == {"train", "valid", "test"} for g in genres):
            return seed
    raise AssertionError(f"no seed splits {songs_per_genre} songs of {genres} every way")
