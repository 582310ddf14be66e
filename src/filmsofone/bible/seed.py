"""The bible the tool makes from the analysis: its entries, the commented document, the merge base."""

from __future__ import annotations

import json
from pathlib import Path

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..models import BookAnalysis, Character
from ..project import load_analysis, load_text
from ..workspace import Workspace
from .hints import find_animals, find_hints, find_place_hints
from .model import CastBible, CharacterLook, Hint, SettingLook, Style, Voice, Wardrobe, stable_seed
from .presets import guess_interior, light_presets
from .voices import NARRATOR, cast_voices
from .yamlio import decorate_entry, to_commented, write_atomically

HEADER = """\
Cast bible of "{title}" ({slug}): how every character, place and object looks, fixed for the whole film.
Edit freely: your changes and comments survive re-imports (a three-way merge against what the tool
last wrote; conflicts are reported, never guessed). `hints` are phrases found in the book: read-only.
Image paths are relative to the workspace (files under casts/{slug}/). Check with `filmsofone cast show {slug}`.
"""
SECTION_COMMENTS = {
    "style": "The look of the whole film: format, film stock, grade, lenses, negative prompt, model hints.",
    "characters": "People: face, hair, build, wardrobe (default, per chapter, per scene), props, voice, seed.\n"
                  "voice: engine (espeak offline), voice id, pitch 0-100, rate in words per minute; "
                  "`filmsofone cast voice S NAME --audition` to hear candidates.",
    "settings": "Places: interior or exterior and the light at each time of day (kelvin, palette as hex).",
    "props": "Important objects with a locked description, tied to characters or scenes.",
}


def build_bible(slug: str, analysis: BookAnalysis, text: str) -> CastBible:
    """The bible the tool would write for this analysis (no user edits)."""
    hints = find_hints(text, analysis.characters)
    voices = cast_voices(analysis, hints)
    animals = find_animals(text, analysis.characters)
    characters = [character_look(slug, c, hints.get(c.id, []), voices.get(c.id), animal=animals.get(c.id, ""))
                  for c in analysis.characters]
    places = find_place_hints(text, analysis.settings)
    settings = []
    for setting in analysis.settings:
        interior = guess_interior(setting.name, setting.interior if setting.interior is not None
                                  else _scenes_say_interior(analysis, setting.id))
        found = places.get(setting.id, [])
        settings.append(SettingLook(id=setting.id, name=setting.name, aliases=list(setting.aliases),
                                    interior=interior, description=found[0].text if found else "",
                                    light=light_presets(interior), hints=found))
    style = Style(seed=stable_seed(slug, "style"))
    return CastBible(book=slug, title=analysis.book.title, style=style, characters=characters, settings=settings,
                     narrator=NARRATOR)


def _scenes_say_interior(analysis: BookAnalysis, setting_id: str) -> bool | None:
    """What most scenes set there say (interior or exterior), None when they do not say or are split evenly."""
    votes = [s.interior for s in analysis.scenes if s.setting == setting_id and s.interior is not None]
    inside, outside = votes.count(True), votes.count(False)
    return None if inside == outside else inside > outside


def character_look(slug: str, character: Character, hints: list[Hint], voice: Voice | None = None, *,
                   animal: str = "") -> CharacterLook:
    """A character's entry as the tool seeds it (`animal`: what the book says the character is, "an old brown
    dog", which then is its physical description)."""
    return CharacterLook(
        id=character.id, name=character.name, aliases=list(character.aliases), role=character.role,
        gender=character.gender, physical=animal or _first(hints, ("man", "woman", "girl", "boy", "lady", "gentleman",
                                                                   "fellow", "child", "creature", "person", "figure")),
        hair=_first(hints, ("hair", "curls", "locks")),
        face=_first(hints, ("face", "eyes", "eye", "complexion", "features", "cheeks", "nose", "brow", "beard",
                            "whiskers", "moustache", "mustache")),
        wardrobe=Wardrobe(default=_first(hints, CLOTHES, article=True)), seed=stable_seed(slug, character.id), hints=hints,
        voice=voice or Voice(),
    )


CLOTHES = ("dress", "gown", "coat", "hat", "bonnet", "cloak", "shawl", "suit", "waistcoat", "jacket", "boots",
           "apron", "uniform", "veil", "spectacles")


def _first(hints: list[Hint], nouns: tuple[str, ...], *, article: bool = False) -> str:
    """The first hint ending in one of `nouns`, without its leading possessive ('his old coat' -> 'old coat',
    or 'an old coat' with `article` for a singular noun)."""
    for hint in hints:
        words = hint.text.split()
        if words and words[-1].lower().strip(",.") in nouns:
            possessive = False
            while len(words) > 1 and words[0].lower() in ("his", "her", "with", "in"):
                possessive = possessive or words[0].lower() in ("his", "her")
                words = words[1:]
            if article and possessive and not words[-1].lower().endswith("s"):
                words.insert(0, "an" if words[0][0].lower() in "aeiou" else "a")
            return " ".join(words)
    return ""


def render_document(bible: CastBible) -> CommentedMap:
    """The bible as a commented YAML document."""
    doc = to_commented(bible.model_dump(mode="json"))
    doc.yaml_set_start_comment(HEADER.format(title=bible.title, slug=bible.book))
    for key, comment in SECTION_COMMENTS.items():
        doc.yaml_set_comment_before_after_key(key, before="\n" + comment)
    for kind in ("characters", "settings"):
        for entry in doc[kind]:
            decorate_entry(kind, entry)
    doc["style"].yaml_add_eol_comment("per_shot: a seed per shot from `seed`; fixed: `seed` for every shot",
                                      "seed_policy")
    doc["style"]["aspect_ratio"] = DoubleQuotedScalarString(bible.style.aspect_ratio)  # never read as 16*60+9
    doc["style"].yaml_add_eol_comment("the film's intent; backends scale to what they make", "resolution")
    doc["style"].yaml_add_eol_comment("letterbox or crop: how the cut fits clips of another shape", "fit")
    return doc


def base_path(ws: Workspace, slug: str) -> Path:
    """What the tool last wrote: the base of the three-way merge."""
    return ws.project(slug).root / "bible.base.json"


def conflicts_path(ws: Workspace, slug: str) -> Path:
    return ws.project(slug).root / "bible.conflicts.txt"


def write_base(ws: Workspace, slug: str, fresh: CastBible) -> None:
    """Remember what the tool wrote (as JSON, quick to read): the base of the next three-way merge."""
    write_base_data(ws, slug, fresh.model_dump(mode="json"))


def write_base_data(ws: Workspace, slug: str, data: dict) -> None:
    write_atomically(base_path(ws, slug), json.dumps(data, ensure_ascii=False))


def read_base(ws: Workspace, slug: str) -> dict | None:
    path = base_path(ws, slug)
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:  # a damaged base only loses the merge's memory, never the user's file
        return None


def bible_from_analysis(ws: Workspace, slug: str) -> CastBible:
    """The bible seeded from the stored analysis (when the file is missing)."""
    return build_bible(slug, load_analysis(ws, slug), load_text(ws, slug))
