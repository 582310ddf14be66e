"""A name typed without its accents ('Olafur', 'zoe pellow') finds the character the book spells 'Ólafur',
'Zoë Pellow': in the cast bible (`cast set`, `cast voice`, ...) and in the analysis (`speakers --fix`, `cast merge`)."""

from __future__ import annotations

import pytest

from filmsofone.bible.model import CastBible, CharacterLook
from filmsofone.bible.recast import resolve_character
from filmsofone.errors import UserError
from filmsofone.models import BookAnalysis, BookInfo, Character

PEOPLE = [("c1", "Ólafur Tolley", ["Ólafur", "Tolley"]), ("c2", "Zoë Pellow", ["Zoë", "Miss Pellow"]),
          ("c3", "Zoe Marden", ["Zoe"])]


def _analysis() -> BookAnalysis:
    return BookAnalysis(book=BookInfo(slug="ledger", title="The Ledger", source_sha256="0", chars=1), chapters=[],
                        scenes=[], characters=[Character(id=i, name=n, aliases=a) for i, n, a in PEOPLE],
                        settings=[], quotes=[])


@pytest.mark.parametrize("typed, found", [("Olafur", "c1"), ("olafur tolley", "c1"), ("ZOE PELLOW", "c2"),
                                          ("Zoë", "c2"), ("Zoe", "c3"), ("Ólafur", "c1")])
def test_a_name_without_its_accents_finds_its_bearer_and_an_exact_spelling_wins(typed, found):
    assert resolve_character(_analysis(), typed).id == found
    bible = CastBible(book="ledger", characters=[CharacterLook(id=i, name=n, aliases=a) for i, n, a in PEOPLE])
    assert bible.character(typed).id == found


def test_an_unknown_name_is_still_refused():
    with pytest.raises(UserError, match="no character called 'Olaf'"):
        resolve_character(_analysis(), "Olaf")
