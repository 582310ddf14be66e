"""Film grammar: an adapted scene's beats become shots the way an editor would cut them.

Rules, in the order they apply:
- every scene opens on its place; another establishing shot when the action moves time on or takes the
  people to another known place;
- action beats as wide or medium shots, tracking when people move, close-ups at emotional peaks;
- a dialogue exchange opens on a two-shot (two speakers) or a master (more), then singles follow the speaker,
  over the shoulder of the one they speak to; a strong line (any line, when the scene is very tense) gets a
  reaction shot of the listener;
- the 180-degree rule: each character keeps one screen side for the whole scene;
- durations from the adaptation (each beat's screen time, paced by the scene's tension: calm action holds
  longer, a tense line cuts in sooner; the scene then scaled to the time the adaptation gives it), within the
  target backend's longest clip (a long take is split).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..adapt import AdaptedScene
from ..adapt.runtime import ESTABLISHING_SECONDS
from ..models import BookAnalysis, InFrame, Scene, Shot
from .beats import Beat, beats_from_adaptation, sentences, words
from .intent import TensionCurve, closeness_steps, closer, pace_factor, tension_curve

REACTION_SECONDS = 2.0
REACT_TENSION = 0.8  # from this tension on, every line cuts to the listener's reaction (not only strong ones)
LINE_BREATH = 0.3  # seconds a line holds beyond its speech when calm (and cuts in sooner when tense)
MIN_SHOT = 1.5
DEFAULT_MAX_CLIP = 10.0
INSERT_WORDS = 25  # a short paragraph about one of the bible's props is shown as an insert of it
PEAK_TENSION = 0.6  # the scene's most tense beat goes close when it is at least this tense
ACTION_CAP_CLIPS = 2  # a paragraph of description never becomes more than this many clips

TIME_WORDS = {"morning": "day", "afternoon": "day", "noon": "day", "midday": "day", "day": "day",
              "dawn": "dawn", "daybreak": "dawn", "sunrise": "dawn", "evening": "dusk", "dusk": "dusk",
              "sunset": "dusk", "twilight": "dusk", "night": "night", "midnight": "night", "nightfall": "night"}
_TIME_JUMP = re.compile(
    r"^\W*(?:(?:the\s+)?next|that|later(?:\s+that)?|by|at|early\s+(?:the\s+)?next|the\s+following|"
    r"on\s+the\s+following|towards?)\b[^.;]{0,24}?\b"
    r"(morning|afternoon|evening|night|midnight|nightfall|dawn|daybreak|sunrise|noon|midday|dusk|sunset|"
    r"twilight)\b"
    r"|^\W*(?:an?|one|two|three|four|five|six|some|many|several)\s+(?:hours?|days?|weeks?|months?|years?)\s+"
    r"(later|afterwards?|passed|went by)\b",
    re.I,
)
_ARRIVAL = (r"\b(?:entered|enters|into|reached|reaches|arrived at|arrives at|came to|went to|walked to|"
            r"stepped onto|out onto|onto|up to|down to|back to|across to|made (?:her|his|their) way to)\s+")
_OPENING_QUOTES = "\"\u201c\u2018'"
_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]*[\"\u201d]")
_MM = re.compile(r"(\d+)\s*mm")
_SUBJECT_PRONOUN = re.compile(r"^\W*(he|she|they)\b", re.I)
LENSES = {"EWS": "18mm wide-angle", "WS": "24mm", "MS": "35mm", "MCU": "50mm", "CU": "85mm",
          "ECU": "100mm macro", "insert": "100mm macro"}
TIME_LIGHT = {"day": "soft daylight", "night": "moonlight and warm practical lamps", "dawn": "cool low dawn light",
              "dusk": "warm low dusk light", "unknown": "natural light"}


@dataclass
class _Context:
    analysis: BookAnalysis
    scene: Scene
    bible: Any
    max_clip: float
    curve: TensionCurve
    sides: dict[str, str]
    names: dict[str, str]
    drafts: list[dict] = field(default_factory=list)
    last_frame: list[str] = field(default_factory=list)
    time_of_day: str = "unknown"  # the scene's, until the text says time has passed
    setting: str | None = None  # the scene's, until the text moves the people somewhere else
    peak: float | None = None  # where the scene's tension peaks (a position 0..1), when it peaks high enough
    interior: bool | None = None

    def frame(self, ids: list[str]) -> list[InFrame]:
        present = set(self.scene.characters)
        return [InFrame(character=c, position=self.sides.get(c, "center")) for c in dict.fromkeys(ids) if c in present]

    def add(self, beat: Beat | None, *, size: str, characters: list[str], duration: float, action: str,
            kind: str, movement: str = "static", angle: str = "eye level", dialogue: list[str] = (),
            span: tuple[int, int] | None = None, part: tuple[int, int] | None = None) -> None:
        """Draft a shot; `kind` is 'single' or 'single: close-up' (the kind, then what the note adds)."""
        frame = self.frame(characters)
        self.drafts.append(dict(
            size=size, angle=angle, movement=movement, lens=lens_for(size, self.bible),
            duration=round(max(MIN_SHOT, min(duration, self.max_clip)), 2), characters=frame,
            setting=self.setting, time_of_day=self.time_of_day, light=self.light(),
            action=action, dialogue=list(dialogue), props=self.props(action, [f.character for f in frame]),
            source_span=span if span is not None else ((beat.start, beat.end) if beat else None),
            kind=kind.split(":", 1)[0].strip(), part=part,
            notes=f"{kind} (part {part[0]}/{part[1]})" if part else kind,
        ))
        if frame:
            self.last_frame = [f.character for f in frame]

    def light(self) -> str:
        return _bible_light(self.bible, self.setting, self.time_of_day) or TIME_LIGHT[self.time_of_day]

    def props(self, action: str, in_frame: list[str]) -> list[str]:
        found = []
        lowered = action.lower()
        for prop in getattr(self.bible, "props", None) or []:
            names = [prop.name, *getattr(prop, "aliases", [])]
            tied = self.scene.id in prop.scenes and set(prop.characters) & set(in_frame)
            if tied or any(n and n.lower() in lowered for n in names):
                found.append(prop.name)
        return found


def lens_for(size: str, bible=None) -> str:
    """The lens for a shot size: from the film's lens kit in the cast bible when it names focal lengths
    (the nearest to what the size wants), else a standard focal length."""
    wanted = LENSES.get(size, "35mm")
    kit = [lens for lens in (getattr(getattr(bible, "style", None), "lenses", None) or []) if _MM.search(lens)]
    if not kit:
        return wanted
    target = int(_MM.search(wanted).group(1))
    return min(kit, key=lambda lens: abs(int(_MM.search(lens).group(1)) - target))


def plan_scene(analysis: BookAnalysis, adapted: AdaptedScene, *, bible=None, max_clip: float | None = None,
               previous=(), intent: str | None = None, removed=()) -> list[Shot]:
    """The shot list of one scene as the adaptation wrote it (pure: reads only its arguments).

    The shots are cut from `adapted`'s beats (`adapt`: `filmsofone plan` and `generate` pass the book's
    adaptation), open on the place, and last as long as the scene runs; a scene the adaptation cuts has none.
    `previous` is the scene's stored shot list: its locked and edited shots are kept as they are, in place;
    shots made from the same words as one in `removed` (shots the user deleted) are left out.
    `intent` ("from dread to relief") shapes pace and closeness through a tension curve.
    """
    from .merge import merge_previous

    if not adapted.kept:
        return []
    scene = analysis.scene(adapted.id)
    max_clip = max(MIN_SHOT, max_clip or DEFAULT_MAX_CLIP)
    beats = beats_from_adaptation(analysis, scene, adapted)
    ctx = _Context(analysis, scene, bible, max_clip, tension_curve(intent, [b.emotion for b in beats]),
                   sides=screen_sides(scene, beats), names={c.id: c.name for c in analysis.characters},
                   time_of_day=scene.time_of_day, setting=scene.setting, interior=scene.interior)
    ctx.peak = scene_peak(ctx.curve, len(beats))
    _establishing(ctx)
    _cover(ctx, beats)
    fit_durations(ctx.drafts, adapted.seconds, max_clip)
    fresh = [Shot(id=f"{scene.id}-{i:03d}", scene=scene.id, order=i, **d) for i, d in enumerate(ctx.drafts, 1)]
    return merge_previous(fresh, list(previous), list(removed))


def fit_durations(drafts: list[dict], seconds: float, max_clip: float) -> None:
    """Scale the shots so the scene runs as long as the adaptation says (each within MIN_SHOT..max_clip)."""
    for _ in range(3):
        total = sum(d["duration"] for d in drafts)
        if not drafts or seconds <= 0 or abs(total - seconds) < 0.05:
            return
        free = [d for d in drafts if MIN_SHOT < d["duration"] < max_clip] or drafts
        fixed = total - sum(d["duration"] for d in free)
        factor = max(0.0, seconds - fixed) / max(sum(d["duration"] for d in free), 1e-6)
        for d in free:
            d["duration"] = round(max(MIN_SHOT, min(max_clip, d["duration"] * factor)), 2)


# --- structure ------------------------------------------------------------------------------------


def scene_peak(curve: TensionCurve, beats: int) -> float | None:
    """The position of the scene's most tense beat, when its tension reaches PEAK_TENSION."""
    if beats == 0:
        return None
    positions = [_position(i, beats) for i in range(beats)]
    top = max(positions, key=curve.at)
    return top if curve.at(top) >= PEAK_TENSION else None


def screen_sides(scene: Scene, beats: list[Beat]) -> dict[str, str]:
    """Each character's screen side for the whole scene (the 180-degree rule).

    Characters who talk to each other (one speaking right after the other) or share a paragraph should
    face each other across the axis: sides are given in order of appearance, each newcomer taking the side
    opposite the ones it is most tied to (a greedy cut of the conversation graph), else the emptier side.
    """
    order, ties = _conversation_graph(scene, beats)
    sides: dict[str, str] = {}
    for cid in order:
        pull = {"left": 0, "right": 0}
        for other, side in sides.items():
            pull["right" if side == "left" else "left"] += ties.get(frozenset((cid, other)), 0)
        if pull["left"] != pull["right"]:
            sides[cid] = max(pull, key=pull.get)
        else:
            lefts = sum(1 for s in sides.values() if s == "left")
            sides[cid] = "left" if lefts <= len(sides) - lefts else "right"
    for cid in scene.characters:
        sides.setdefault(cid, "center")
    return sides


def _conversation_graph(scene: Scene, beats: list[Beat]) -> tuple[list[str], dict[frozenset, int]]:
    """Characters in order of appearance, and how tied each pair is (3 per turn of talk, 1 per paragraph)."""
    present = set(scene.characters)
    order: list[str] = []
    ties: dict[frozenset, int] = {}
    previous_speaker: str | None = None
    for beat in beats:
        people = [c for c in dict.fromkeys([beat.speaker, *beat.named]) if c in present]
        order += [c for c in people if c not in order]
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                ties[frozenset((a, b))] = ties.get(frozenset((a, b)), 0) + 1
        if beat.kind == "dialogue" and beat.speaker in present:
            if previous_speaker and previous_speaker != beat.speaker:
                pair = frozenset((previous_speaker, beat.speaker))
                ties[pair] = ties.get(pair, 0) + 3
            previous_speaker = beat.speaker
        elif beat.kind == "action":
            previous_speaker = None
    return order, ties


def _position(index: int, total: int) -> float:
    return index / (total - 1) if total > 1 else 0.0


# --- the rules ------------------------------------------------------------------------------------


def _establishing(ctx: _Context, at: int | None = None, position: float = 0.0, kind: str = "establishing") -> None:
    scene = ctx.scene
    place = ctx.analysis.setting(ctx.setting).name if ctx.setting else ""
    exterior = ctx.interior is False
    size = "EWS" if exterior else "WS"
    when = "" if ctx.time_of_day == "unknown" else ctx.time_of_day
    description = _bible_description(ctx.bible, ctx.setting)
    action = ", ".join(p for p in (place, when) if p) or "The scene opens"
    action = f"{action[:1].upper()}{action[1:]}."
    if description:
        action += f" {description[:1].upper()}{description[1:]}" + ("" if description[-1] in ".!?" else ".")
    at = scene.start if at is None else at
    ctx.add(None, size=size, characters=[], duration=ESTABLISHING_SECONDS * pace_factor(ctx.curve.at(position)),
            action=action, kind=kind, movement="slow pan" if exterior else "slow push in",
            angle="high angle" if exterior else "eye level", span=(at, at))


def _scene_changes(ctx: _Context, beats: list[Beat], index: int) -> None:
    """Re-establish when an action paragraph moves time on or takes the people to another known place."""
    beat = beats[index]
    if beat.kind != "action" or index == 0 or beat.narration.lstrip()[:1] in _OPENING_QUOTES:
        return  # a paragraph of speech the analysis did not mark is not the narrator moving the story
    told = _QUOTED.sub(" ", beat.narration)
    jump = time_passes(told)
    place = moves_to(ctx.analysis, told, ctx.setting)
    if place:
        ctx.setting, ctx.interior = place, ctx.analysis.setting(place).interior
    if jump:
        ctx.time_of_day = jump if jump in TIME_LIGHT else ctx.time_of_day
    if jump or place:
        kind = "establishing: new place" if place else "establishing: time passes"
        _establishing(ctx, beat.start, _position(index, len(beats)), kind)


def time_passes(narration: str) -> str | None:
    """'That night the storm broke.' -> 'night'; 'Three days later, ...' -> 'later'; else None."""
    match = _TIME_JUMP.match(narration)
    if not match:
        return None
    return TIME_WORDS.get((match.group(1) or match.group(2)).lower(), "later")


def moves_to(analysis: BookAnalysis, narration: str, current: str | None) -> str | None:
    """The id of another known setting the narration takes people into ('went into the boathouse'), else None."""
    for setting in analysis.settings:
        if setting.id == current:
            continue
        for name in [setting.name, *setting.aliases]:
            bare = re.sub(r"^(the|a|an)\s+", "", name.strip(), flags=re.I)
            if len(bare) >= 3 and re.search(_ARRIVAL + r"(?:the\s+|a\s+)?" + re.escape(bare) + r"\b", narration):
                return setting.id
    return None


def _cover(ctx: _Context, beats: list[Beat]) -> None:
    index = 0
    while index < len(beats):
        _scene_changes(ctx, beats, index)
        if beats[index].kind == "action":
            _action(ctx, beats[index], _position(index, len(beats)))
            index += 1
            continue
        end = index
        while end < len(beats) and beats[end].kind == "dialogue":
            end += 1
        _exchange(ctx, beats[index:end], [_position(i, len(beats)) for i in range(index, end)],
                  beats[end] if end < len(beats) else None)
        index = end


def _action(ctx: _Context, beat: Beat, position: float) -> None:
    tension = ctx.curve.at(position)
    people = list(beat.named)
    if ctx.last_frame and _SUBJECT_PRONOUN.match(beat.narration):
        people = [ctx.last_frame[0], *people]
    elif not people and beat.pronoun:
        people = list(ctx.last_frame)
    people = [c.character for c in ctx.frame(people)][:4]
    objects = ctx.props(beat.narration, [])
    if (beat.emotion >= 4.0 or position == ctx.peak) and 1 <= len(people) <= 2 and tension >= 0.45:
        size, movement, kind = "CU", "slow push in", "action: emotional peak"
    elif objects and beat.words <= INSERT_WORDS and not beat.motion:
        size, movement, kind, people = "insert", "static", f"insert: {objects[0]}", []
    elif beat.motion:
        size, movement, kind = ("WS" if len(people) != 1 else "MS"), "tracking", "action: movement"
    else:
        size = "MS" if 1 <= len(people) <= 2 else "WS"
        movement, kind = "static", "action"
        if len(people) <= 2:
            size = closer(size, closeness_steps(tension))
    if beat.voiceover:
        size, movement, kind = ("WS" if people else "EWS"), "slow pan", "voiceover"
    total = max(MIN_SHOT, min(beat.seconds * pace_factor(tension), ACTION_CAP_CLIPS * ctx.max_clip))
    _add_split(ctx, beat, size, people, total, beat.narration, kind, movement)


def _add_split(ctx: _Context, beat: Beat, size: str, people: list[str], total: float, text: str, kind: str,
               movement: str, dialogue: list[str] = (), angle: str = "eye level") -> None:
    """One shot, or several when longer than the backend's longest clip (sentences shared out in order)."""
    parts = max(1, math.ceil(total / ctx.max_clip - 1e-9))
    if parts == 1:
        ctx.add(beat, size=size, characters=people, duration=total, action=text, kind=kind, movement=movement,
                dialogue=dialogue, angle=angle)
        return
    chunks = _share(sentences(text) or [text], parts)
    length = beat.end - beat.start
    for number, chunk in enumerate(chunks):
        lo = beat.start + length * number // len(chunks)
        hi = beat.start + length * (number + 1) // len(chunks)
        part_size = size if number % 2 == 0 else (closer(size) if size not in ("CU", "ECU") else "MCU")
        ctx.add(beat, size=part_size, characters=people, duration=total / len(chunks), action=chunk or text,
                kind=kind, part=(number + 1, len(chunks)), movement=movement, dialogue=dialogue,
                angle=angle, span=(lo, hi))


def _share(items: list[str], parts: int) -> list[str]:
    """Split sentences into `parts` consecutive groups of similar word counts (by words when the
    sentences are too few or too uneven)."""
    total = sum(max(words(s), 1) for s in items)
    groups: list[list[str]] = [[] for _ in range(parts)]
    running = 0
    for sentence in items:
        groups[min(parts - 1, int(parts * running / total))].append(sentence)
        running += max(words(sentence), 1)
    chunks = [" ".join(g) for g in groups if g]
    if len(chunks) == parts:
        return chunks
    tokens = " ".join(items).split()
    size = math.ceil(len(tokens) / parts) or 1
    chunks = [" ".join(tokens[i:i + size]) for i in range(0, len(tokens), size)]
    return chunks + [chunks[-1]] * (parts - len(chunks)) if chunks else [""] * parts


def _listener_next(beats: list[Beat], number: int, listener: str, after: Beat | None) -> bool:
    """The next beat already shows the listener (their line, or an action naming them)."""
    if number + 1 < len(beats):
        return beats[number + 1].speaker == listener
    return after is not None and listener in after.named


def _exchange(ctx: _Context, beats: list[Beat], positions: list[float], after: Beat | None = None) -> None:
    """Dialogue coverage: a two-shot or master, then singles on the speaker, reactions on strong lines."""
    participants = list(dict.fromkeys(b.speaker for b in beats if b.speaker))
    if len(participants) == 1:
        others = [c for b in beats for c in b.named if c != participants[0]] + \
                 [c for c in ctx.last_frame if c != participants[0]]
        partner = next((c for c in others if c in ctx.sides), None)
        group = participants + ([partner] if partner and len(beats) > 1 else [])
    else:
        group = participants
    previous_speaker: str | None = None
    for number, (beat, position) in enumerate(zip(beats, positions)):
        tension = ctx.curve.at(position)
        listener = _listener(beat.speaker, previous_speaker, group)
        opening = number == 0 and len(group) >= 2
        _line(ctx, beat, tension, listener, group if opening else None, at_peak=position == ctx.peak)
        reacts = beat.strong or tension >= REACT_TENSION
        if reacts and beat.speaker and listener and not _listener_next(beats, number, listener, after):
            ctx.add(beat, size=closer("MCU", 1 if tension >= 0.5 else 0), characters=[listener],
                    duration=REACTION_SECONDS * pace_factor(tension),
                    action=f"{ctx.names.get(listener, listener)} reacts.", kind="reaction",
                    span=(beat.end, beat.end))
        if beat.speaker:
            previous_speaker = beat.speaker


def _listener(speaker: str | None, previous_speaker: str | None, group: list[str]) -> str | None:
    if speaker is None:
        return None
    if previous_speaker and previous_speaker != speaker:
        return previous_speaker
    return next((c for c in group if c != speaker), None)


def _line(ctx: _Context, beat: Beat, tension: float, listener: str | None, opening_group: list[str] | None,
          *, at_peak: bool = False) -> None:
    total = beat.seconds + LINE_BREATH * (1.0 - 2.0 * tension)  # a calm line holds longer, a tense one cuts sooner
    ids = [q.id for q in beat.quotes]
    speaker = beat.speaker
    who = ctx.names.get(speaker, "someone") if speaker else "someone"
    placeholder = f"{who} speaks to {ctx.names.get(listener, listener)}." if speaker and listener else \
        (f"{who} speaks." if speaker else "A voice speaks.")
    action = beat.narration or placeholder  # a line's beat carries no narration: the adaptation cut its tag
    if opening_group is not None:
        size, kind = ("MS", "two-shot") if len(opening_group) == 2 else ("WS", "master")
        people = ([speaker] if speaker else []) + [c for c in opening_group if c != speaker]
        _add_line(ctx, beat, size, people, total, action, kind, "static", ids, listener)
        return
    if speaker is None:
        people = [c.character for c in ctx.frame(beat.named or ctx.last_frame)]
        _add_line(ctx, beat, "MS" if people else "WS", people, total, action, "line: speaker unknown", "static",
                  ids, None)
        return
    peak = at_peak or beat.emotion >= 4.0 or beat.whispered or (tension >= 0.75 and beat.strong)
    facing = listener is not None and ctx.sides.get(listener) != ctx.sides.get(speaker)
    angle = "low angle" if beat.strong and tension >= 0.7 else "eye level"
    if peak:
        size, people, kind = ("ECU" if tension >= 0.9 and beat.strong else "CU"), [speaker], "single: close-up"
        movement = "slow push in"
    elif facing:
        size, people = "MCU", [speaker, listener]
        kind, movement = f"single: OTS over {ctx.names.get(listener, listener)}", "static"
    else:
        size, people, kind, movement = "MCU", [speaker], "single", "static"
    size = closer(size, 1) if closeness_steps(tension) > 0 and size == "MCU" else size
    _add_line(ctx, beat, size, people, total, action, kind, movement, ids, listener, angle)


def _add_line(ctx: _Context, beat: Beat, size: str, people: list[str], total: float, action: str, kind: str,
              movement: str, ids: list[str], listener: str | None, angle: str = "eye level") -> None:
    """A line in one shot, or, when longer than a clip, cut between the speaker and the listener's cutaway."""
    parts = max(1, math.ceil(total / ctx.max_clip - 1e-9))
    if parts == 1:
        ctx.add(beat, size=size, characters=people, duration=total, action=action, kind=kind, movement=movement,
                dialogue=ids, angle=angle)
        return
    long_narration = words(action) > 12 * parts
    texts = _share(sentences(action) or [action], parts) if long_narration else [action] * parts
    length = beat.end - beat.start
    for number, text in enumerate(texts):
        span = (beat.start + length * number // parts, beat.start + length * (number + 1) // parts)
        part = (number + 1, parts)
        if number % 2 == 1 and listener and beat.speaker:
            name = ctx.names.get(beat.speaker, beat.speaker)  # the listener's face; the speaker is heard, not seen
            ctx.add(beat, size="MCU", characters=[listener], duration=total / parts,
                    action=f"{ctx.names.get(listener, listener)} listens to {name}.",
                    kind=f"cutaway: listening to {name}", part=part, dialogue=ids, span=span)
        else:
            ctx.add(beat, size=size if number == 0 else closer(size) if size in ("MS", "MCU") else size,
                    characters=people, duration=total / parts, action=text, kind=kind, part=part,
                    movement=movement if number == 0 else "slow push in", dialogue=ids, span=span, angle=angle)


# --- the cast bible, when there is one ---------------------------------------------------------------


def _bible_setting(bible, setting_id: str | None):
    if bible is None or setting_id is None:
        return None
    for setting in getattr(bible, "settings", None) or []:
        if setting.id == setting_id:
            return setting
    return None


def _bible_light(bible, setting_id: str | None, time_of_day: str) -> str | None:
    setting = _bible_setting(bible, setting_id)
    light = (getattr(setting, "light", None) or {}).get(time_of_day) if setting is not None else None
    if light is None:
        return None
    parts = [light.key, light.practicals, light.weather]
    return ", ".join(p for p in parts if p) or None


def _bible_description(bible, setting_id: str | None) -> str:
    setting = _bible_setting(bible, setting_id)
    return (getattr(setting, "description", "") or "").strip() if setting is not None else ""
