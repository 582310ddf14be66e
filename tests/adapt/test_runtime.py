"""Running times: what the user may type, and the default from the book's length."""

from __future__ import annotations

import pytest

from filmsofone.adapt import default_target_seconds, format_runtime, parse_runtime
from filmsofone.errors import UserError


@pytest.mark.parametrize("given, seconds", [("2h", 7200), ("90m", 5400), ("5400s", 5400), ("1h30m", 5400),
                                            (" 1.5h ", 5400), ("45 min", 2700), ("100 minutes", 6000)])
def test_running_times_with_units(given, seconds):
    assert parse_runtime(given) == seconds


@pytest.mark.parametrize("given", ["0", "0s", "0h", "banana", "", "90", "2h banana", "-5m", "30d", "25h"])
def test_bad_running_times_are_refused_with_a_hint(given):
    with pytest.raises(UserError) as caught:
        parse_runtime(given)
    assert caught.value.hint and "e.g." in caught.value.hint


def test_zero_says_it_must_be_more_than_zero():
    with pytest.raises(UserError, match="more than zero"):
        parse_runtime("0")


def test_default_rule_feature_length_for_novels_less_for_novellas():
    novel = default_target_seconds(122_000)
    assert 100 * 60 <= default_target_seconds(40_000) <= novel <= 130 * 60
    assert default_target_seconds(400_000) == 130 * 60
    assert 10 * 60 <= default_target_seconds(10_000) <= 20 * 60  # the sample novella
    assert default_target_seconds(200) == 60  # never under a minute
    assert default_target_seconds(122_000, full_seconds=1800) == 1800  # never longer than the whole book
    lengths = [default_target_seconds(w) for w in range(5_000, 200_000, 5_000)]
    assert lengths == sorted(lengths)


def test_format_runtime():
    assert format_runtime(5400) == "1h30m" and format_runtime(750) == "12m30s" and format_runtime(42) == "42s"
