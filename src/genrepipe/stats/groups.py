"""The mean of rows per group: how a song's probabilities come from its windows' (the one rule
of evaluate, predict and a search's inner folds)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def group_means(rows: np.ndarray, group_of_row: Sequence) -> tuple[list, np.ndarray]:
    """Average `rows` per group.

    Parameters
    ----------
    rows : np.ndarray, shape (n_rows, n_columns)
    group_of_row : sequence, length n_rows (any hashable labels)

    Returns
    -------
    groups : list, in order of first appearance
    means : np.ndarray, shape (n_groups, n_columns)

    Examples
    --------
    >>> group_means(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), ["a", "a", "b"])[1].tolist()
    [[0.5, 0.5], [1.0, 1.0]]
    """
    groups = list(dict.fromkeys(group_of_row))
    position = {group: i for i, group in enumerate(groups)}
    index = np.array([position[g] for g in group_of_row])
    sums = np.zeros((len(groups), rows.shape[1]))
    np.add.at(sums, index, rows)
    return groups, sums / np.bincount(index, minlength=len(groups))[:, None]
