"""When each line is spoken, and how long each speaking shot must last for it (pure functions).

Inside a shot, lines follow one another with a short gap (longer when the speaker changes). Where two
shots of one scene meet, the sound and the picture may cut at different moments:

- **J cut** (the sound leads the picture), when the next shot's first line is spoken by a known character
  and either answers the previous shot's last line (a *reply*: the previous shot spoke and its last speaker
  was another known character), or the previous shot is silent while the scene's conversation is under way
  (a *speaker cut to mid-conversation*, over a reaction or an insert). The line starts up to `J_LEAD`
  seconds before its shot, and never in more than the last `J_SHARE` of the previous shot, never less than
  the usual gap after the previous line ends (no overlap), never over a scene change, a card, or a clip that
  speaks for itself (native audio: the next line waits `LEAD` after it).
- **L cut** (the sound runs over the picture), between two speaking shots otherwise (the same speaker goes
  on, a voiceover, an unknown speaker): the picture cuts `L_CUT` seconds before the last line ends and we
  see the next shot while the line finishes.
- Otherwise a straight cut: a speaking shot after a silent one (or a scene change) starts its speech
  `LEAD` seconds in; a shot followed by a silent one holds `TAIL` seconds after its last line.

`retime` turns this into shot durations (the plan follows the speech); `place` lays the spoken lines on
the real timeline of a cut, whatever the takes' lengths became. A J-cut lead is the next shot's speech, not
the previous shot's own: `sound.checks` allows it at the end of a silent shot, up to `J_LEAD`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

LEAD = 0.3  # silence at the start of a speaking shot that follows a silent one
GAP = 0.2  # between two lines of one speaker
TURN = 0.35  # between two speakers
TAIL = 0.45  # after the last line of a shot before a silent shot
L_CUT = 0.4  # how far a line runs into the next speaking shot
J_LEAD = 0.5  # how far a line may start before its own shot (a J cut)
J_SHARE = 1 / 3  # ... and at most this share of the previous shot's length
MIN_SHOT = 1.5
NARRATOR = "narrator"  # the speaker of a voiceover line


@dataclass(frozen=True)
class Timed:
    """A line to place: its shot, speaker (for the gap and cut rules) and length."""

    key: str
    shot_id: str
    speaker: str | None
    seconds: float


@dataclass(frozen=True)
class Placed:
    key: str
    shot_id: str
    start: float
    end: float


class Span(NamedTuple):
    """A segment of a cut: its shot (None for a card), where it sits (film seconds) and its scene."""

    shot_id: str | None
    start: float
    end: float
    scene: str | None = None


def _gap(previous: Timed | None, line: Timed) -> float:
    if previous is None:
        return 0.0
    return GAP if previous.speaker == line.speaker else TURN


def _character(line: Timed | None) -> bool:
    return line is not None and line.speaker not in (None, NARRATOR)


def leads(previous_shot_last: Timed | None, conversation: bool, first: Timed) -> bool:
    """Whether a shot whose first line is `first` cuts in with a J cut (its speech starts before it).

    `previous_shot_last`: the last line of the shot before (None when that shot is silent);
    `conversation`: a line was already spoken in this scene before that shot."""
    if not _character(first):
        return False
    if previous_shot_last is not None:  # a reply
        return _character(previous_shot_last) and previous_shot_last.speaker != first.speaker
    return conversation  # a speaker cut to mid-conversation


def lead_seconds(previous_shot_seconds: float) -> float:
    """How far a J-cut line may start before its shot, given the length of the shot before."""
    return max(0.0, min(J_LEAD, J_SHARE * previous_shot_seconds))


def _speech_end(start: float, said: list[Timed]) -> float:
    cursor = start
    for number, line in enumerate(said):
        cursor += (_gap(said[number - 1], line) if number else 0.0) + line.seconds
    return cursor


def retime(shots: list[str], lines: dict[str, list[Timed]], planned: dict[str, float]) -> dict[str, float]:
    """New durations of the speaking shots of one scene (shot ids in order); silent shots keep theirs."""
    durations: dict[str, float] = {}
    start = LEAD  # where the next speaking shot's first line starts, from its own start (< 0: a J cut)
    conversation = False
    for index, shot_id in enumerate(shots):
        said = lines.get(shot_id, [])
        following = lines.get(shots[index + 1], []) if index + 1 < len(shots) else []
        if not said:
            if following and leads(None, conversation, following[0]):
                start = -lead_seconds(planned.get(shot_id, MIN_SHOT))
            else:
                start = LEAD
            continue
        end = _speech_end(start, said)
        conversation = True
        if following and leads(said[-1], True, following[0]):  # J cut: the reply starts J_LEAD before the cut
            durations[shot_id] = round(max(MIN_SHOT, end + TURN + J_LEAD), 3)
            start = -lead_seconds(durations[shot_id])
        elif following:  # L cut: the line runs L_CUT into the next shot
            durations[shot_id] = round(max(MIN_SHOT, end - L_CUT), 3)
            spill = max(0.0, end - durations[shot_id])
            start = spill + _gap(said[-1], following[0]) if spill > 0 else 0.0
        else:
            durations[shot_id] = round(max(MIN_SHOT, end + TAIL), 3)
            start = LEAD
    return durations


def place(segments: list[Span] | list[tuple], lines: dict[str, list[Timed]],
          own_sound: frozenset[str] | set[str] = frozenset()) -> list[Placed]:
    """Start and end (film seconds) of every line, given the cut's segments in order.

    `segments`: `Span`s (or (shot id, start, end[, scene]) tuples). A line starts after the previous one
    (plus the gap); the first line of a shot starts with it after a speaking shot (L cut), LEAD after a
    silent one, or up to `lead_seconds` before it by the J-cut rule (`leads`) within one scene.
    `own_sound`: shots whose clip speaks for itself (native audio; their lines are not in `lines`): nothing
    leads into them or runs over them, and the next line waits LEAD after them.
    """
    placed: list[Placed] = []
    cursor, previous = 0.0, None  # the end and the last line of the speech so far
    conversation = False  # a line was spoken in this scene
    before: Span | None = None  # the segment before this one
    before_last: Timed | None = None  # its last line (None: it was silent)
    for segment in map(lambda s: Span(*s), segments):
        scene_goes_on = before is not None and segment.scene == before.scene
        same_scene = scene_goes_on and before.shot_id is not None and segment.shot_id is not None
        said = lines.get(segment.shot_id or "", [])
        if said:
            if before is not None and before.shot_id in own_sound:  # its speech is the clip's: keep clear
                at = segment.start + LEAD
            elif same_scene and leads(before_last, conversation, said[0]):
                at = segment.start - lead_seconds(before.end - before.start)
            else:
                at = segment.start + (0.0 if same_scene and before_last is not None else LEAD)
            for line in said:
                begin = max(at, cursor + _gap(previous, line))
                placed.append(Placed(line.key, line.shot_id, begin, begin + line.seconds))
                cursor, previous, at = begin + line.seconds, line, begin + line.seconds
        conversation = bool(said) or (conversation and scene_goes_on)
        before, before_last = segment, (said[-1] if said else None)
    return placed
