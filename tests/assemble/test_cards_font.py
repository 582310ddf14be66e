"""Title and chapter cards draw in the bundled font, which has the book's punctuation (no missing-glyph boxes)."""

from filmsofone import fonts
from filmsofone.assemble import cards


def test_cards_draw_in_the_bundled_font():
    assert cards._font(30).path == str(fonts.FONT_PATH)
    assert fonts.missing_glyphs("“Ada!” — she said… café") == []
