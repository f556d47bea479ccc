"""Plumbing that knows no music: errors, atomic files, params checking, registries, processes,
the Keras backend, training curves and the stage contract with DVC."""
