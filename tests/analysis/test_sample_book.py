"""The sample novella against its gold annotations (tests/data/the-lantern-keepers.gold.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from filmsofone.analysis import analyze
from filmsofone.ingest import read_book
from filmsofone.models import BookAnalysis

GOLD = Path(__file__).resolve().parents[1] / "data" / "the-lantern-keepers.gold.json"


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(sample_book):
    book = read_book(sample_book)
    return book, analyze(book, slug="the-lantern-keepers", title="The Lantern Keepers")


def _norm(name: str) -> str:
    return name.replace(".", "").lower()


def _cluster_for(analysis: BookAnalysis, gold_character: dict):
    names = {_norm(n) for n in [gold_character["name"], *gold_character["aliases"]]}
    for character in analysis.characters:
        if names & {_norm(n) for n in [character.name, *character.aliases]}:
            return character
    return None


def _gold_owner(gold: dict, analysis: BookAnalysis) -> dict[str, str]:
    """Predicted character id -> gold character name, by the largest overlap of names."""
    owner = {}
    for character in analysis.characters:
        ours = {_norm(n) for n in [character.name, *character.aliases]}
        best = max(gold["characters"], key=lambda g: len(ours & {_norm(n) for n in [g["name"], *g["aliases"]]}))
        if ours & {_norm(n) for n in [best["name"], *best["aliases"]]}:
            owner[character.id] = best["name"]
    return owner


def _match_quotes(book, analysis, gold):
    """Pairs (gold quote, predicted quote or None), matching on the first piece's text."""
    pairs = []
    by_text = {}
    for quote in analysis.quotes:
        start, end = quote.spans[0]
        by_text.setdefault(" ".join(book.text[start:end].split()), quote)
    for gq in gold["quotes"]:
        pairs.append((gq, by_text.get(" ".join(gq["pieces"][0].split()))))
    return pairs


def test_major_and_intermediate_characters_are_found(result, gold):
    _, analysis = result
    for g in gold["characters"]:
        if g["role"] in ("major", "intermediate"):
            assert _cluster_for(analysis, g) is not None, g["name"]


def test_family_members_sharing_a_surname_stay_apart(result, gold):
    _, analysis = result
    ada = _cluster_for(analysis, next(g for g in gold["characters"] if g["name"] == "Ada Quill"))
    william = _cluster_for(analysis, next(g for g in gold["characters"] if g["name"] == "William Quill"))
    assert ada is not None and william is not None and ada.id != william.id
    assert ada.gender == "female" and william.gender == "male"


def test_nicknames_join_their_character(result):
    _, analysis = result
    names = {c.name: set(c.aliases) for c in analysis.characters}
    robert = next(aliases | {n} for n, aliases in names.items() if "Robert Harrow" in aliases | {n})
    assert {"Robin", "Captain Harrow"} <= robert


def test_quotation_recall_and_spans(result, gold):
    book, analysis = result
    pairs = _match_quotes(book, analysis, gold)
    found = [p for p in pairs if p[1] is not None]
    assert len(found) / len(pairs) >= 0.97
    interrupted = [(gq, quote) for gq, quote in found if len(gq["pieces"]) > 1]
    same_pieces = [gq for gq, quote in interrupted if len(quote.spans) == len(gq["pieces"])]
    assert interrupted and len(same_pieces) / len(interrupted) >= 0.9


def test_speaker_accuracy(result, gold):
    """A regression guard at the measured level (0.87 overall, 0.92 explicit on this book, which the speaker
    model was never trained on): the thresholds sit a few points below so that a real regression fails,
    not a one-quote wobble."""
    book, analysis = result
    owner = _gold_owner(gold, analysis)
    pairs = _match_quotes(book, analysis, gold)
    right = [gq for gq, q in pairs if q is not None and owner.get(q.speaker) == gq["speaker"]]
    explicit = [gq for gq, _ in pairs if gq["type"] == "explicit"]
    explicit_right = [gq for gq in right if gq["type"] == "explicit"]
    assert len(right) / len(pairs) >= 0.82
    assert len(explicit_right) / len(explicit) >= 0.86


def test_every_scene_has_time_and_spans_inside_its_chapter(result):
    book, analysis = result
    chapters = {c.index: c for c in analysis.chapters}
    for scene in analysis.scenes:
        chapter = chapters[scene.chapter]
        assert chapter.start <= scene.start < scene.end <= chapter.end
        assert scene.time_of_day in {"day", "night", "dawn", "dusk", "unknown"}
    assert len(analysis.scenes) > len(analysis.chapters)  # a scene break inside a chapter


def test_analysis_document_follows_the_schema(result):
    _, analysis = result
    document = json.loads(analysis.model_dump_json())
    assert set(document) == {"book", "chapters", "scenes", "characters", "settings", "quotes"}
    assert set(document["book"]) == {"slug", "title", "source_sha256", "chars"}
    assert set(document["scenes"][0]) == {"id", "chapter", "start", "end", "setting", "interior", "time_of_day", "characters"}
    assert set(document["characters"][0]) == {"id", "name", "aliases", "gender", "role", "mentions"}
    assert set(document["quotes"][0]) == {"id", "spans", "speaker", "scene", "tag", "method", "confidence"}
    ids = {c["id"] for c in document["characters"]}
    assert all(q["speaker"] in ids for q in document["quotes"] if q["speaker"])
    settings = {s["id"] for s in document["settings"]}
    assert all(s["setting"] in settings for s in document["scenes"] if s["setting"])
    assert BookAnalysis.model_validate(document) == analysis
