"""How trained runs are judged: song-level predictions, the scores of fixed splits and k folds,
the run-results files, and the choice of the run `genrepipe predict` uses."""
