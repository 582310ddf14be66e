"""The bible in words for prompts: the same words every time for the same inputs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import ANIMAL_NOUNS, alternation
from ..models import Shot
from .model import CastBible, Light, _chapter_of, stable_seed
from .presets import light_presets

_GENDER_NOUN = {"female": "woman", "male": "man"}
_PERSON_NOUN = re.compile(r"\b(man|woman|girl|boy|lady|gentleman|fellow|child|person|creature|"
                          rf"{alternation(sorted(ANIMAL_NOUNS))})\b", re.IGNORECASE)  # says who (or what) it is


def identity_text(bible: CastBible, character_id: str, *, scene_id: str | None = None,
                  chapter: int | None = None) -> str:
    """'Ada Quill: a woman, thirties, slight build, grey eyes, short dark hair, wearing a blue sweater, ...'.

    Wardrobe follows the scene's override, else the chapter's (from `chapter` or the scene id), else the
    default. An id the bible does not know gives "".
    """
    try:
        person = bible.character(character_id)
    except KeyError:
        return ""
    gender = _GENDER_NOUN.get(person.gender, "")
    says_who = bool(_PERSON_NOUN.search(person.physical))
    traits = [f"a {gender}" if gender and not says_who else "",
              person.age, _with_noun(person.build, "build"), person.physical, person.face,
              _with_noun(person.hair, "hair")]
    if chapter is None and scene_id:
        chapter = _chapter_of(scene_id)
    outfit = person.wardrobe.for_shot(scene_id=scene_id, chapter=chapter)
    if outfit:
        traits.append(f"wearing {outfit}")
    carried = [_prop_words(bible, prop_id) for prop_id in person.props]
    if any(carried):
        traits.append("with " + " and ".join(c for c in carried if c))
    described = ", ".join(_clean(t) for t in traits if _clean(t))
    return f"{person.name}: {described}" if described else person.name


def look_text(bible: CastBible, setting_id: str | None, time_of_day: str) -> str:
    """'the boathouse, interior, <description>; night light: key ..., fill ..., 2700K, high contrast'."""
    try:
        place = bible.setting(setting_id) if setting_id else None
    except KeyError:
        place = None
    if place is None:
        return ""
    time = _time(time_of_day)
    light = _light(place.light, place.interior, time)
    where = {True: "interior", False: "exterior"}.get(place.interior)
    head = ", ".join(p for p in (place.name, where, _clean(place.description)) if p)
    parts = [f"key {light.key}" if light.key else "", f"fill {light.fill}" if light.fill else "",
             f"practicals {light.practicals}" if light.practicals else "",
             light.direction, f"{light.color_temperature}K",
             f"{light.contrast} contrast", light.weather]
    return f"{head}; {time} light: " + ", ".join(p for p in parts if p)


def palette(bible: CastBible, setting_id: str | None, time_of_day: str) -> list[str]:
    """The setting's colours at that time of day (hex); a neutral preset when the setting is unknown."""
    try:
        place = bible.setting(setting_id) if setting_id else None
    except KeyError:
        place = None
    time = _time(time_of_day)
    if place is None:
        return list(light_presets(False)[time].palette)
    colours = _light(place.light, place.interior, time).palette
    return list(colours or light_presets(place.interior)[time].palette)


def seed_for(bible: CastBible, shot_id: str) -> int:
    """The seed of a shot under the style's seed policy (stable across runs)."""
    if bible.style.seed_policy == "fixed":
        return bible.style.seed
    return stable_seed(str(bible.style.seed), shot_id)


def _time(time_of_day: str) -> str:
    return time_of_day if time_of_day in ("day", "night", "dawn", "dusk") else "day"


def _light(lights: dict[str, Light], interior: bool | None, time: str) -> Light:
    if time in lights:
        return lights[time]
    return light_presets(interior)[time]


def _with_noun(value: str, noun: str) -> str:
    value = _clean(value)
    if not value:
        return ""
    if noun == "hair" and re.search(r"\b(hair|beard|whiskers|moustache|mustache|curls|locks|bald|shaved|shaven)", value, re.I):
        return value
    return value if noun in value.lower() else f"{value} {noun}"


def _prop_words(bible: CastBible, prop_id: str) -> str:
    try:
        prop = bible.prop(prop_id)
    except KeyError:
        return prop_id
    return _clean(prop.description) or prop.name


def _clean(value: str) -> str:
    return " ".join(str(value).split()).strip(" ,;.")


def style_text(bible: CastBible) -> str:
    """'35mm film, ..., Kodak Vision3 500T, soft contrast ..., 35mm spherical prime': the film's look in words."""
    style = bible.style
    parts = [style.film_look, style.stock, style.grade, *style.lenses[:1], *style.optics]
    return ", ".join(_clean(p) for p in parts if _clean(p))


@dataclass(frozen=True)
class ShotLook:
    """Everything the bible says about one shot, in the words prompts use."""

    characters: dict[str, str]  # character id -> identity text
    setting: str
    palette: list[str]
    props: list[str]
    style: str
    negative_prompt: str
    seed: int


def shot_look(bible: CastBible, shot: Shot) -> ShotLook:
    """Identity texts of the shot's characters, its setting's look and light, props, style and seed."""
    chapter = _chapter_of(shot.scene)
    people = {f.character: identity_text(bible, f.character, scene_id=shot.scene, chapter=chapter)
              for f in shot.characters}
    return ShotLook(
        characters={cid: text for cid, text in people.items() if text},
        setting=look_text(bible, shot.setting, shot.time_of_day),
        palette=palette(bible, shot.setting, shot.time_of_day),
        props=[_prop_words(bible, p) for p in shot.props],
        style=style_text(bible),
        negative_prompt=bible.style.negative_prompt,
        seed=seed_for(bible, shot.id),
    )
