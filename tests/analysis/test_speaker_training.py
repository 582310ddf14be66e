"""bench/train_speakers.py's learner on hand-made runs: book weighting, which features are learnt, the
calibration fit, and a weights file the decoder reads back."""

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

from filmsofone.analysis.speaker_decoder import WEIGHTS_ENV, Position, best_sequence, load_calibration, load_weights

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def train():
    spec = importlib.util.spec_from_file_location("train_speakers", BENCH / "train_speakers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_speakers"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules["train_speakers"]


def _book(runs: int, right_feature: str, wrong_feature: str) -> list[tuple]:
    """`runs` one-quotation runs where the right candidate (ada) has `right_feature`, the wrong one (ben)
    `wrong_feature`."""
    options = [("ben", {wrong_feature: 1.0}), ("ada", {right_feature: 1.0})]  # a tie goes to ben
    return [([Position(0, options, "start")], [{"ada"}], [True], [False]) for _ in range(runs)]


def test_a_book_counts_by_its_size_or_the_same_as_any_other(train):
    books = {"long": _book(40, "habit", "other"), "short": _book(4, "other", "habit")}
    runs, scales = train._weighted_runs(books, 0.0)
    assert len(runs) == 44 and scales == [1.0] * 44
    runs, scales = train._weighted_runs(books, 1.0)
    long_scale, short_scale = scales[0], scales[-1]
    assert 40 * long_scale == pytest.approx(4 * short_scale)  # each book's updates weigh the same in all
    assert sum(scales) == pytest.approx(44)  # and as much as before in all
    by_size = train.fit(books, train.Recipe(epochs=3, seeds=1))
    assert by_size["habit"] > 0 > by_size["other"]  # by size, the long book's habit is learnt


def test_a_feature_of_one_book_is_not_learnt_with_min_books(train):
    books = {"a": _book(5, "tag_name", "x") + _book(5, "quirk", "y"), "b": _book(5, "tag_name", "x")}
    weights = train.fit(books, train.Recipe(epochs=2, seeds=1, min_books=2))
    assert weights["tag_name"] > 0 and "quirk" not in weights
    assert train.fit(books, train.Recipe(epochs=2, seeds=1))["quirk"] > 0


def test_the_first_seed_chooses_another_set_of_shuffles(train, monkeypatch):
    seen = []
    monkeypatch.setattr(train, "fit_once", lambda runs, scales, recipe, seed, learnt=None: seen.append(seed) or {"f": 1.0})
    books = {"a": _book(3, "habit", "other")}
    assert train.fit(books, train.Recipe(epochs=1, seeds=2)) == {"f": 1.0} and seen == [0, 1]
    seen.clear()
    train.fit(books, train.Recipe(epochs=1, seeds=2, first_seed=7))
    assert seen == [7, 8]


def test_context_conjunctions_can_be_left_out_but_transitions_stay(train):
    assert train._conjoined("tag_name|in_talk")
    assert not train._conjoined("same|adjacent") and not train._conjoined("alternate|adjacent|gap")
    books = {"a": _book(5, "tag_name|in_talk", "x")}
    assert "tag_name|in_talk" not in train.fit(books, train.Recipe(epochs=2, seeds=1, contexts=False))


def test_features_matching_without_are_left_out_and_the_rest_learnt(train):
    books = {"a": _book(5, "near_turn|in_talk", "x"), "b": _book(5, "tag_name", "y")}
    weights = train.fit(books, train.Recipe(epochs=2, seeds=1, without=r"^near_turn"))
    assert "near_turn|in_talk" not in weights and weights["tag_name"] > 0
    assert "near_turn|in_talk" in train.fit(books, train.Recipe(epochs=2, seeds=1))


def test_the_calibration_learns_that_a_larger_margin_and_a_name_tag_are_surer(train):
    pairs = []
    for k in range(200):
        margin = k / 20
        named = k % 2 == 0
        right = (k * 7919) % 100 < 100 / (1 + math.exp(-(margin - 5 + (3 if named else 0))))
        inputs = {"log_margin": math.log1p(margin), "bias": 1.0, **({"context_tag_name": 1.0} if named else {})}
        pairs.append((inputs, right))
    calibration = train.fit_calibration({"book": pairs})
    assert calibration["log_margin"] > 0 and calibration["context_tag_name"] > 0


def test_saved_weights_and_calibration_load_back(train, tmp_path, monkeypatch):
    books = {"a": _book(5, "tag_name", "x")}
    weights = train.fit(books, train.Recipe(epochs=2, seeds=1))
    calibration = {"log_margin": 0.5, "bias": -1.0, "context_tag_name": 2.0}
    path = tmp_path / "w.json"
    train.save(path, weights, ["a"], train.Recipe(), calibration)
    monkeypatch.setenv(WEIGHTS_ENV, str(path))
    assert load_calibration() == calibration
    assert load_weights() == json.loads(path.read_text())["weights"]
    assert best_sequence(books["a"][0][0], load_weights()) == ["ada"]


def test_training_runs_carry_their_own_book_s_pairs_of_speakers(train):
    tagged = {"guess_explicit": 1.0}
    run = [Position(0, [("ada", tagged)], "start"), Position(1, [("ben", tagged), ("ada", {})], "adjacent")]
    other = [Position(0, [("cy", tagged)], "start"), Position(1, [("dora", tagged)], "adjacent")]
    data = train._with_partners({"one": [(run, [{"ada"}, {"ben"}], [True, True], [True, True])],
                                 "two": [(other, [{"cy"}, {"dora"}], [True, True], [True, True])]})
    (one_run, right, matched, _), = data["one"]
    assert right == [{"ada"}, {"ben"}] and matched == [True, True]
    assert one_run[1].partners == {"ada": {"ben": 1}, "ben": {"ada": 1}}  # not the other book's cy and dora
    assert data["two"][0][0][0].partners["cy"] == {"dora": 1}
