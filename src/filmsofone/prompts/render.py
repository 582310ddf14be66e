"""Rendering shots into `ShotPrompt`s for one backend."""

from __future__ import annotations

import re

from ..backends import backend_class
from ..bible import identity_text, load_bible, look_text, seed_for
from ..bible import style_text as bible_style_text
from ..models import BookAnalysis, Shot, ShotPrompt
from ..plan.book import backend_capabilities
from ..plan.intent import mood_at
from ..project import load_analysis, load_intents, load_text, open_project
from ..workspace import Workspace
from .budget import fit
from .env import make_env, render, template_for

DIRECTION_WORDS = 14  # what follows a speech tag is a direction ('speaks, turning') up to this long
SIZE_WORDS = {"EWS": "extreme wide shot", "WS": "wide shot", "MS": "medium shot", "MCU": "medium close-up",
              "CU": "close-up", "ECU": "extreme close-up", "insert": "insert shot"}


def framing(shot: Shot, *, still: bool = False) -> str:
    """'Medium close-up, eye level, 50mm lens, static camera'."""
    lens = shot.lens if "lens" in shot.lens.lower() else f"{shot.lens} lens"
    parts = [SIZE_WORDS.get(shot.size, shot.size), shot.angle, lens]
    if not still:
        parts.append(shot.movement if shot.movement != "static" else "static camera")
    text = ", ".join(p for p in parts if p)
    return text[:1].upper() + text[1:]


def style_text(bible) -> str:
    """The film's look in the cast bible's words ('' without a bible)."""
    if bible is None:
        return ""
    return bible_style_text(bible)


def _identity(bible, analysis: BookAnalysis, character_id: str, shot: Shot) -> str:
    text = ""
    if bible is not None:
        text = identity_text(bible, character_id, scene_id=shot.scene)
    if not text:
        try:
            text = analysis.character(character_id).name
        except KeyError:
            text = character_id
    return text


def _look(bible, analysis: BookAnalysis, shot: Shot) -> str:
    if bible is not None and shot.setting:
        text = look_text(bible, shot.setting, shot.time_of_day)
        if text:
            return text
    if shot.setting:
        try:
            return analysis.setting(shot.setting).name
        except KeyError:
            return ""
    return ""


class _Book:
    """Lookups over one analysis, built once per rendering."""

    def __init__(self, analysis: BookAnalysis, text: str | None, intents: dict[str, str] | None = None):
        self.analysis = analysis
        self.text = text
        self.names = {c.id: c.name for c in analysis.characters}
        self.quotes = {q.id: q for q in analysis.quotes}
        self.scenes = {s.id: s for s in analysis.scenes}
        self.intents = intents or {}

    def mood(self, shot: Shot) -> str:
        """The scene intent's mood at the shot's place in the scene ('' without an intent)."""
        scene = self.scenes.get(shot.scene)
        intent = self.intents.get(shot.scene)
        if scene is None or not intent:
            return ""
        start = shot.source_span[0] if shot.source_span else scene.start
        return mood_at(intent, (start - scene.start) / max(scene.end - scene.start, 1))


def _dialogue(book: _Book, shot: Shot) -> str:
    if not shot.dialogue or book.text is None:
        return ""
    lines, in_frame = [], {placed.character for placed in shot.characters}
    for quote_id in shot.dialogue:
        quote = book.quotes.get(quote_id)
        if quote is None:
            continue
        speaker = book.names.get(quote.speaker or "", "Someone")
        spoken = " ".join(" ".join(book.text[a:b] for a, b in quote.spans).split())
        if quote.speaker and quote.speaker not in in_frame:  # a cutaway: nobody in the picture says it
            lines.append(f'{speaker}, off screen, is heard saying: "{spoken}"')
        else:
            lines.append(f'{speaker} says: "{spoken}"')
    return " ".join(lines)


def _action(book: _Book, shot: Shot) -> str:
    """The shot's action. On a line of dialogue whose action opens with the line's speech tag as the book
    writes it (`Quote.tag`; a shot planned from the book's paragraphs, or edited so), the tag becomes
    '<who> speaks': 'said Ada, turning' -> 'Ada Quill speaks, turning'; a long rest stays as action."""
    action = " ".join(shot.action.split())
    quote = book.quotes.get(shot.dialogue[0]) if shot.dialogue else None
    if quote is None or quote.tag is None or book.text is None:
        return action
    written = " ".join(book.text[quote.tag.span[0]:quote.tag.span[1]].split())
    if not written or not action.lower().startswith(written.lower()):
        return action
    rest = action[len(written):].strip(" ,;:.\u2014-").replace("(", "").replace(")", "")
    who = book.names.get(quote.speaker or "", "") or \
        (book.names.get(shot.characters[0].character, "") if shot.characters else "") or "Someone"
    if not rest:
        return f"{who} speaks."
    if len(rest.split()) <= DIRECTION_WORDS and not re.search(r"[.!?]", rest):
        return f"{who} speaks, {rest}."
    return _capital(rest) + ("" if rest[-1] in ".!?" else ".")


def _capital(text: str) -> str:
    """The text with its first letter in capitals (a sentence of the prompt)."""
    return text[:1].upper() + text[1:]


def _prop_words(bible, name: str) -> str:
    if bible is None:
        return name
    try:
        prop = bible.prop(name)
    except KeyError:
        return name
    return f"{prop.name}, {prop.description}" if prop.description else prop.name


def shot_context(shot: Shot, analysis: BookAnalysis, bible=None, text: str | None = None, *,
                 book: _Book | None = None) -> dict:
    """Every variable a prompt template gets (all present; empty when unknown)."""
    book = book or _Book(analysis, text)
    look = _look(bible, analysis, shot)
    characters = [
        {"id": f.character, "name": book.names.get(f.character, f.character), "position": f.position,
         "identity": _identity(bible, analysis, f.character, shot)}
        for f in shot.characters
    ]
    return {
        "shot": shot.model_dump(mode="json"),
        "framing": framing(shot),
        "framing_still": framing(shot, still=True),
        "characters": characters,
        "action": _capital(_action(book, shot)),
        "look": _capital(look),
        "light": _capital(shot.light or "") if (not look or shot.edited) else "",
        "props": [_prop_words(bible, p) for p in shot.props],
        "dialogue": _dialogue(book, shot),
        "mood": book.mood(shot),
        "style": style_text(bible),
    }


def fit_duration(duration: float, caps) -> float:
    """The shortest clip length the backend makes that holds the shot (the cut trims the rest); the
    longest it makes when none does."""
    if caps.durations:
        longer = sorted(d for d in caps.durations if d >= duration - 1e-6)
        return longer[0] if longer else max(caps.durations)
    return round(min(max(duration, caps.min_duration), caps.max_duration), 2)


def _references(bible, shot: Shot, limit: int) -> list[str]:
    if bible is None or limit <= 0:
        return []
    found: list[str] = []
    for placed in shot.characters:
        try:
            found += bible.character(placed.character).reference_images
        except KeyError:
            continue
    if shot.setting:
        try:
            found += bible.setting(shot.setting).reference_images
        except KeyError:
            pass
    return list(dict.fromkeys(found))[:limit]


def _backend_family(backend: str, capabilities=None) -> tuple[str, object]:
    caps = capabilities or backend_capabilities(backend)
    cls = backend_class(backend)
    return getattr(cls, "family", None) or cls.kind, caps


def render_prompts(ws: Workspace, slug: str, shots: list[Shot], backend: str = "animatic", *,
                   capabilities=None) -> list[ShotPrompt]:
    """One `ShotPrompt` per shot, fitted to the backend's prompt limit and clip lengths.

    `capabilities` are those of the configured backend instance (a model option narrows them); by default
    the backend class's declaration.
    """
    analysis = load_analysis(ws, slug)
    text = load_text(ws, slug)
    bible = load_bible(ws, slug)
    family, caps = _backend_family(backend, capabilities)
    template = template_for(make_env(ws), backend, family)
    style = getattr(bible, "style", None)
    aspect = getattr(style, "aspect_ratio", "16:9")
    if aspect not in caps.aspect_ratios:
        aspect = caps.aspect_ratios[0]
    book = _Book(analysis, text, load_intents(open_project(ws, slug).db_path))
    prompts = []
    for shot in shots:
        context = shot_context(shot, analysis, bible, text, book=book)
        prompt = fit(lambda ctx: render(template, ctx), context, caps.prompt_limit, shot_id=shot.id)
        seed = None
        if caps.seed and bible is not None:
            seed = seed_for(bible, shot.id)
        prompts.append(ShotPrompt(
            shot_id=shot.id, prompt=prompt,
            negative_prompt=(getattr(style, "negative_prompt", "") or "") if caps.negative_prompt else "",
            seed=seed, duration=fit_duration(shot.duration, caps), aspect_ratio=aspect,
            references=_references(bible, shot, caps.reference_images),
        ))
    return prompts
