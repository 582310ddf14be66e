"""Voice casting on a real novel imported fresh: no two major characters, and no two characters who speak
in one scene, share a voice (engine, voice id, pitch). All eight novels: bench/bench_voices.py."""

from pathlib import Path

import pytest

from filmsofone.bible import load_bible
from filmsofone.bible.voices import voice_clashes
from filmsofone.books import import_book
from filmsofone.workspace import Workspace

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


@pytest.mark.parametrize("novel", ["DaisyMiller"])
def test_imported_novel_has_distinct_voices(novel, corpus_dir: Path, tmp_path: Path):
    source = corpus_dir / "pdnc" / novel / "novel_text.txt"
    ws = Workspace(tmp_path / "ws").ensure()
    analysis = import_book(ws, source, slug="novel")
    bible = load_bible(ws, "novel")
    voices = {c.id: c.voice for c in bible.characters}
    assert voice_clashes(analysis, voices, bible.narrator) == []
    speakers = {q.speaker for q in analysis.quotes if q.speaker}
    assert len(speakers) >= 5 and all(voices[s].voice for s in speakers)
    majors = [voices[c.id].key() for c in analysis.characters if c.role == "major"]
    assert len(majors) >= 2 and len(set(majors)) == len(majors)
