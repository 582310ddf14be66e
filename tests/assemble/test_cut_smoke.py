"""The first working cut: every shot in scene order, title card, audio, placeholders for missing takes."""

import pytest
from cutkit import Book

from filmsofone import ffmpeg
from filmsofone.assemble import cut_film


def test_cut_joins_takes_with_title_card_audio_and_placeholders(ws, monkeypatch):
    book = Book(ws)
    book.shoot([s.id for s in book.shots if s.id != "1.2-001"])
    book.install(monkeypatch)
    film = cut_film(ws, "tale")
    assert film == ws.project("tale").film_path
    info = ffmpeg.probe(film)
    assert info.video and info.audio
    # 3 s title + 2 chapter cards of 2 s + 6 shots of 1 s (one of them a placeholder card)
    assert info.duration == pytest.approx(13.0, abs=0.05)
    assert ffmpeg.decode_errors(film) == ""
