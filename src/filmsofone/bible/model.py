"""The cast bible's schema: how every character, place, object and the film itself look.

The bible lives in `casts/<slug>.yaml`, a file the user edits by hand; these models validate it.
Unknown keys are refused (a typo such as `hiar:` is reported with its line, not silently ignored).
Image paths (`reference_images`) are relative to the workspace, e.g. `casts/<slug>/ada.png`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..models import Gender, Role

BIBLE_VERSION = 1
TIMES_OF_DAY = ("day", "night", "dawn", "dusk")
LightTime = Literal["day", "night", "dawn", "dusk"]
SeedPolicy = Literal["per_shot", "fixed"]
_HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_RESOLUTION_RE = re.compile(r"^\d{2,5}x\d{2,5}$")
_ASPECT_RE = re.compile(r"^\d{1,3}(\.\d+)?:\d{1,3}(\.\d+)?$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Hint(_Model):
    """An appearance phrase found in the book (read-only: the tool rewrites it on every import)."""

    text: str
    start: int
    end: int


class Wardrobe(_Model):
    """What a character wears: a default, overridden per chapter (by number) or per scene (by id)."""

    default: str = ""
    chapters: dict[int, str] = Field(default_factory=dict)
    scenes: dict[str, str] = Field(default_factory=dict)

    def for_shot(self, *, scene_id: str | None = None, chapter: int | None = None) -> str:
        if scene_id is not None and scene_id in self.scenes:
            return self.scenes[scene_id]
        if chapter is None and scene_id:
            chapter = _chapter_of(scene_id)
        if chapter is not None and chapter in self.chapters:
            return self.chapters[chapter]
        return self.default


class Voice(_Model):
    """How a character (or the narrator) sounds: an engine, its voice id, pitch and rate.

    `description` is for engines that take one (instructions, a voice design prompt); `reference` is a
    clip (workspace-relative) for engines that clone. A plain string in an older bible is read as the
    description, with the engine's default voice.
    """

    engine: str = "espeak"
    voice: str = ""  # the engine's voice id: "en-gb-x-rp+f3" (espeak), "alloy" (OpenAI), a voice id (ElevenLabs)
    pitch: int = Field(50, ge=0, le=100)
    rate: int = Field(165, ge=60, le=450)  # words per minute
    description: str = ""
    reference: str = ""
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)  # the engine's: base_url, model

    def key(self) -> tuple[str, str, int]:
        """What makes two voices the same voice: engine, voice id and pitch."""
        return (self.engine, self.voice.casefold(), self.pitch)


def _voice_from_text(value):
    if isinstance(value, str):
        return {"description": value} if value.strip() else {}
    return value


class CharacterLook(_Model):
    """One character, fixed once for the whole film."""

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    role: Role = "minor"
    gender: Gender = "unknown"
    age: str = ""
    face: str = ""
    physical: str = ""
    hair: str = ""
    build: str = ""
    wardrobe: Wardrobe = Field(default_factory=Wardrobe)
    props: list[str] = Field(default_factory=list)  # Prop ids (signature objects)
    voice: Voice = Field(default_factory=Voice)
    reference_images: list[str] = Field(default_factory=list)
    seed: int = 0
    locked: bool = False
    notes: str = ""
    hints: list[Hint] = Field(default_factory=list)

    @field_validator("voice", mode="before")
    @classmethod
    def _voice_text(cls, value):
        return _voice_from_text(value)


class Light(_Model):
    """The light of a setting at one time of day."""

    key: str = ""
    fill: str = ""
    practicals: str = ""
    direction: str = ""
    color_temperature: int = Field(5600, ge=1000, le=20000)  # kelvin
    contrast: Literal["low", "medium", "high"] = "medium"
    palette: list[str] = Field(default_factory=list)  # hex colours, "#rrggbb"
    weather: str = ""

    @field_validator("palette")
    @classmethod
    def _hex_colours(cls, colours: list[str]) -> list[str]:
        for colour in colours:
            if not _HEX_RE.match(colour):
                raise ValueError(f"'{colour}' is not a colour like '#a1b2c3'")
        return [c.lower() for c in colours]


class SettingLook(_Model):
    """A place: what it is and how it is lit at each time of day."""

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    interior: bool | None = None
    description: str = ""
    light: dict[LightTime, Light] = Field(default_factory=dict)
    references: list[str] = Field(default_factory=list)  # paintings, films, photographs, as text
    reference_images: list[str] = Field(default_factory=list)
    ambience: str = ""  # a sound file (workspace-relative) looped under the place's scenes; empty: synthesised
    locked: bool = False
    notes: str = ""
    hints: list[Hint] = Field(default_factory=list)  # read-only: how the book describes the place


class Prop(_Model):
    """An important object with a locked description, tied to characters or scenes."""

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    description: str = ""
    reference_images: list[str] = Field(default_factory=list)
    characters: list[str] = Field(default_factory=list)
    scenes: list[str] = Field(default_factory=list)
    locked: bool = False
    notes: str = ""


class LoRA(_Model):
    name: str
    weight: float = Field(1.0, ge=-5.0, le=5.0)


class ModelHints(_Model):
    """Hints for backends that take them (checkpoint, LoRAs with weights, sampler)."""

    checkpoint: str = ""
    loras: list[LoRA] = Field(default_factory=list)
    sampler: str = ""
    steps: int | None = Field(None, ge=1, le=500)
    cfg: float | None = Field(None, ge=0.0, le=50.0)


class Style(_Model):
    """The look of the whole film."""

    aspect_ratio: str = "16:9"
    resolution: str = "1280x720"  # the film's intent; backends scale to what they make
    fps: int = Field(24, ge=1, le=120)
    fit: Literal["letterbox", "crop"] = "letterbox"  # how the cut fits clips of another shape
    film_look: str = "35mm film, natural light, shallow depth of field"
    stock: str = "Kodak Vision3 500T"
    grade: str = "soft contrast, warm highlights, muted greens"
    lenses: list[str] = Field(default_factory=lambda: ["35mm spherical prime", "50mm spherical prime"])
    optics: list[str] = Field(default_factory=list)  # optics no real lens has ("a lens that sees through fog")
    negative_prompt: str = "text, watermark, logo, extra fingers, deformed hands, blurry, lowres"
    model_hints: ModelHints = Field(default_factory=ModelHints)
    seed_policy: SeedPolicy = "per_shot"
    seed: int = 0

    @field_validator("resolution")
    @classmethod
    def _resolution(cls, value: str) -> str:
        if not _RESOLUTION_RE.match(value):
            raise ValueError(f"'{value}' is not a resolution like '1280x720'")
        return value

    @field_validator("aspect_ratio")
    @classmethod
    def _aspect(cls, value: str) -> str:
        if not _ASPECT_RE.match(value):
            raise ValueError(f"'{value}' is not an aspect ratio like '16:9'")
        return value


class MusicChoice(_Model):
    """The score: generated from each scene's intent unless a file is named for the film or a scene.

    Paths are workspace-relative audio files; a scene's file wins over the film's; `none` for a scene
    leaves it without music.
    """

    film: str = ""
    scenes: dict[str, str] = Field(default_factory=dict)
    volume: float = Field(1.0, ge=0.0, le=4.0)
    engine: str = ""  # "" the offline score; a hosted music backend ("elevenlabs-music") composes each scene
    options: dict[str, str | int | float | bool] = Field(default_factory=dict)  # the engine's (base_url, model)

    def for_scene(self, scene_id: str) -> str:
        return self.scenes.get(scene_id, self.film)


class CastBible(_Model):
    """The whole bible of one book."""

    version: int = BIBLE_VERSION
    book: str  # the slug
    title: str = ""
    style: Style = Field(default_factory=Style)
    characters: list[CharacterLook] = Field(default_factory=list)
    settings: list[SettingLook] = Field(default_factory=list)
    props: list[Prop] = Field(default_factory=list)
    narrator: Voice = Field(default_factory=Voice)  # voiceover
    music: MusicChoice = Field(default_factory=MusicChoice)

    def character(self, key: str) -> CharacterLook:
        """By id, name or alias (case-insensitive)."""
        found = _find(self.characters, key)
        if found is None:
            raise KeyError(key)
        return found

    def setting(self, key: str) -> SettingLook:
        found = _find(self.settings, key)
        if found is None:
            raise KeyError(key)
        return found

    def prop(self, key: str) -> Prop:
        found = _find(self.props, key)
        if found is None:
            raise KeyError(key)
        return found


def _find(items, key: str):
    for item in items:
        if item.id == key:
            return item
    for fold in (str.casefold, _without_article, unaccented):
        wanted = fold(key.strip())
        for item in items:
            if any(fold(n) == wanted for n in (item.name, *getattr(item, "aliases", []))):
                return item
    return None


def unaccented(name: str) -> str:
    """'Ólafur' -> 'olafur', 'Zoë' -> 'zoe' (a name typed without its accents still finds its bearer), and without
    an article as `_without_article`."""
    decomposed = unicodedata.normalize("NFKD", name)
    return _without_article("".join(c for c in decomposed if not unicodedata.combining(c)))


def _without_article(name: str) -> str:
    """'The Boathouse' -> 'boathouse' (so `cast light S boathouse` finds 'the boathouse')."""
    return re.sub(r"^(the|a|an)\s+", "", name.casefold().strip())


def _chapter_of(scene_id: str) -> int | None:
    head = scene_id.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def stable_seed(*parts: str) -> int:
    """A seed in [0, 2**31) that depends only on `parts`."""
    digest = hashlib.sha256(":".join(parts).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) & 0x7FFFFFFF
