"""MODEL_CARD.md says what a person needs: what the model learnt from, how well it did with
intervals, how sure it is, and its limits, in the words the facts call for."""

from genrepipe.evaluation.tasks.lookup import task_of_record
from genrepipe.reporting.model_card import fusion_card, run_card

META = {"run": "logreg-musicnn", "model": "logreg", "transform": "musicnn", "classes": ["jazz", "rock"],
        "transform_params": {"layer": "max_pool"}, "window": 3.0, "hop": 3.0, "sample_rate": 22050,
        "model_params": {"C": 1.0}, "seed": 42, "n_train_songs": 60, "versions": {"numpy": "2.4.6"},
        "dataset": {"source": "folder", "location": "/music", "songs": 100, "classes": ["jazz", "rock"],
                    "split": "ratios", "songs_per_split": {"test": 20, "train": 60, "valid": 20}}}
SPLIT = {"song_accuracy": 0.8, "song_accuracy_lo": 0.56, "song_accuracy_hi": 0.94, "n_songs": 20,
         "majority_rate": 0.5, "above_chance": True, "song_macro_f1": 0.79, "song_macro_f1_lo": 0.6,
         "song_macro_f1_hi": 0.95, "ece": 0.1, "ece_lo": 0.05, "ece_hi": 0.2, "ece_calibrated": 0.05,
         "ece_calibrated_lo": 0.02, "ece_calibrated_hi": 0.1}
SCORES = {"valid": SPLIT, "test": SPLIT, "calibration": {"temperature": 1.5, "fit_on": "valid"}}
NOVELTY = {"threshold": 1.5, "set_on": "the valid songs (20)", "rates": {"test": {"unknown": 1, "songs": 20}}}


def test_a_run_card_states_data_scores_calibration_unknown_and_licences():
    card = run_card(META, SCORES, task_of_record(META), {"jazz": {"train": 30}, "rock": {"train": 30}}, NOVELTY)
    assert card.startswith("# Model card: logreg-musicnn\n")
    assert "- Dataset: /music (folder), 100 songs, split ratios: test 20, train 60, valid 20" in card
    assert "| test | 20 | 0.800 [0.560, 0.940] | 0.790 [0.600, 0.950] | 0.500 |" in card
    assert "temperature of 1.500; where it was learnt: valid." in card
    assert "beyond the training songs' range by more than 1.500" in card and "1 of the 20 test songs came out so" in card
    assert "| class | train |\n|---|---|\n| jazz | 30 |\n| rock | 30 |" in card
    assert "from the musicnn 0.1.0 wheel (ISC licence" in card
    assert "synthetic demo" not in card and "No better than chance" not in card
    assert run_card(META, SCORES, task_of_record(META), None, NOVELTY) == run_card(
        META, SCORES, task_of_record(META), None, NOVELTY)  # nothing of the moment in it


def test_the_limits_follow_the_facts():
    demo = {**META, "dataset": {**META["dataset"], "source": "demo"}, "folds": ["fold0", "fold1"]}
    chance = {"test": {**SPLIT, "above_chance": False}, "folds": {"k": 2}}
    card = run_card(demo, chance, task_of_record(demo), None, None)
    assert "**Trained on the synthetic demo songs, not on real music**" in card
    assert "**No better than chance on the songs (each held out)**" in card
    assert "Trained in 2 folds, each model on the songs of the other folds" in card
    assert "| every song, each by a fold model that did not train on it | 20 |" in card
    assert "No detector of songs unlike the training songs" in card


def test_the_fusion_card_names_its_members():
    record = {"run": "fusion", "method": "stack", "classes": ["jazz", "rock"], "learnt_on": "valid",
              "members_predict_with": "each member's model", "combination": {"members": ["a", "b"]},
              "choice": {"on": "valid, in 5 parts", "score": 0.85}}
    card = fusion_card(record, SCORES, task_of_record(META), META["dataset"], NOVELTY)
    assert "The fusion (stack) of 2 runs" in card and "Members (each one's card: `models/<run>/MODEL_CARD.md`): a, b." in card
    assert "song accuracy 0.850" in card
