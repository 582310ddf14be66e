"""Typed value objects passed between the pipeline's stages.

These are the contracts between packages: `analysis` produces a `BookAnalysis`, `plan` turns a scene of
it into `Shot`s, `prompts` turns shots into `ShotPrompt`s, `generate` turns prompts into takes, and
`assemble` cuts the takes into a film. The database (`store`) persists them; the JSON of `BookAnalysis`
is the stable document `filmsofone show S --json` prints.

Offsets are character offsets into the book's text as decoded (byte-order mark dropped, `\\r\\n` and
`\\r` read as `\\n`), so `text[start:end]` is the span.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Gender = Literal["female", "male", "unknown"]
Role = Literal["major", "intermediate", "minor"]
TimeOfDay = Literal["day", "night", "dawn", "dusk", "unknown"]
Span = tuple[int, int]
# A long operation reports its progress as (label, done, total); labels sharing a prefix before ": " share a bar.
ProgressCallback = Callable[[str, int, int], None]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- the analysis document -------------------------------------------------------------------------


class BookInfo(_Model):
    slug: str
    title: str
    source_sha256: str
    chars: int


class Chapter(_Model):
    index: int
    title: str
    start: int
    end: int
    part: str | None = None  # the BOOK/PART/VOLUME heading (or EPUB navigation parent) the chapter is under


class Scene(_Model):
    id: str  # "<chapter>.<n>", e.g. "1.1"
    chapter: int
    start: int
    end: int
    setting: str | None = None  # a Setting id
    interior: bool | None = None
    time_of_day: TimeOfDay = "unknown"
    characters: list[str] = Field(default_factory=list)  # Character ids present


class Character(_Model):
    id: str  # "c1", "c2", ...
    name: str
    aliases: list[str] = Field(default_factory=list)
    gender: Gender = "unknown"
    role: Role = "minor"
    mentions: int = 0


class Setting(_Model):
    id: str  # "s1", ...
    name: str
    aliases: list[str] = Field(default_factory=list)
    interior: bool | None = None
    mentions: int = 0


TagKind = Literal["name", "pronoun", "descriptor", "narrator"]
# how a quotation's speaker was chosen: a name in its tag ("said Ada"); a pronoun, "I" or a description in its tag
# resolved ("she said", "said the beadle"); a character named in the narration just before it; the same speaker
# going on in the same paragraph; the person the turn before addressed by name; taking turns in a conversation; a
# character named nearby; the sequence model along the run of dialogue, overruling the rules; nobody found; set by
# the user (`filmsofone speakers S --fix`); given by a language model (`filmsofone speakers S --refine`)
AttributionMethod = Literal[
    "explicit", "anaphoric", "narration", "continued", "vocative", "turn-taking", "nearby", "decoder", "none", "user",
    "llm",
]


class QuoteTag(_Model):
    """A quotation's speech tag as written: '"...," said Mrs. Pellow' -> verb "said", who "Mrs. Pellow"."""

    span: Span  # the tag in the text, from the verb to the subject or the subject to the verb
    verb: str  # as written ("said", "went on", "exploded")
    who: str  # the subject as written: a name, a pronoun ("she", "I"), a description ("the old gentleman")
    who_span: Span
    kind: TagKind


class Quote(_Model):
    id: str  # "q1", ...
    spans: list[Span]  # one per piece, excluding the quotation marks
    speaker: str | None = None  # a Character id
    scene: str | None = None  # a Scene id
    tag: QuoteTag | None = None  # the speech tag next to it, when it has one
    method: AttributionMethod | None = None  # how the speaker was chosen (None: analysed before it was recorded)
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)  # how likely the speaker is right, roughly
    # calibrated on books held out of the training (bench/train_speakers.py prints its reliability table)


class BookAnalysis(_Model):
    """What `filmsofone show S --json` prints; every later stage reads it."""

    book: BookInfo
    chapters: list[Chapter]
    scenes: list[Scene]
    characters: list[Character]
    settings: list[Setting]
    quotes: list[Quote]

    def scene(self, scene_id: str) -> Scene:
        for scene in self.scenes:
            if scene.id == scene_id:
                return scene
        raise KeyError(scene_id)

    def character(self, char_id: str) -> Character:
        for character in self.characters:
            if character.id == char_id:
                return character
        raise KeyError(char_id)

    def setting(self, setting_id: str) -> Setting:
        for setting in self.settings:
            if setting.id == setting_id:
                return setting
        raise KeyError(setting_id)

    def quotes_in(self, scene_id: str) -> list[Quote]:
        return [q for q in self.quotes if q.scene == scene_id]


# --- shots and prompts -----------------------------------------------------------------------------

ShotSize = Literal["EWS", "WS", "MS", "MCU", "CU", "ECU", "insert"]
ScreenPosition = Literal["left", "center", "right", "offscreen"]


class InFrame(_Model):
    character: str  # Character id
    position: ScreenPosition = "center"


class Shot(_Model):
    """One shot of a scene's shot list."""

    id: str  # "<scene>-<order:03d>", e.g. "1.1-003"; stable across edits
    scene: str
    order: int
    size: ShotSize = "MS"
    angle: str = "eye level"
    movement: str = "static"
    lens: str = "35mm"
    duration: float = 4.0  # seconds
    characters: list[InFrame] = Field(default_factory=list)
    setting: str | None = None
    time_of_day: TimeOfDay = "unknown"
    light: str | None = None
    action: str = ""
    dialogue: list[str] = Field(default_factory=list)  # Quote ids
    props: list[str] = Field(default_factory=list)
    source_span: Span | None = None
    # The planner's kind of shot (establishing, action, insert, single, two-shot, master, reaction, cutaway;
    # other stages may add theirs, e.g. voiceover) and, for one beat cut into several shots, (n, m): the n-th
    # of m. Re-planning and the exports read these, never `notes`, which is the user's to edit.
    kind: str = ""
    part: tuple[int, int] | None = None
    notes: str = ""
    locked: bool = False
    edited: bool = False

    @model_validator(mode="before")
    @classmethod
    def _kind_of_a_shot_stored_before_it_had_one(cls, data: Any) -> Any:
        """A shot saved before `kind` existed (a removed-shots file) gets it from the planner's note."""
        if isinstance(data, dict) and "kind" not in data and data.get("notes"):
            data = {**data, **legacy_kind(str(data["notes"]))}
        return data


_LEGACY_PART = re.compile(r"\s*\(part (\d+)/(\d+)\)")


def legacy_kind(notes: str) -> dict:
    """{'kind', 'part'} as the planner wrote them into the note of a shot stored before the fields existed
    ('single: OTS over Ada (part 1/2)' -> kind 'single', part (1, 2)); the store's migration does the same."""
    part = _LEGACY_PART.search(notes)
    label = _LEGACY_PART.sub("", notes)
    return {"kind": label.split(":", 1)[0].strip(), "part": (int(part[1]), int(part[2])) if part else None}


class ShotPrompt(_Model):
    """Everything a backend is asked for one shot."""

    shot_id: str
    prompt: str
    negative_prompt: str = ""
    seed: int | None = None
    duration: float
    aspect_ratio: str = "16:9"
    references: list[str] = Field(default_factory=list)  # image paths, workspace-relative


# --- the book as read ------------------------------------------------------------------------------


class BookText(_Model):
    """A book as `ingest.read_book` decodes it: the text every offset indexes."""

    text: str  # the full decoded text (BOM dropped, newlines normalised to \n)
    title: str | None = None  # from the file's metadata or first line, when found
    author: str | None = None
    source_sha256: str  # of the file's bytes
    story_start: int = 0  # the story proper, after any Project Gutenberg header
    story_end: int | None = None  # before any Gutenberg footer; None means len(text)
    chapter_hints: list[Chapter] = Field(default_factory=list)  # chapters from an EPUB's navigation
