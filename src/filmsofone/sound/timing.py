"""When each line is spoken, and how long each speaking shot must last for it (pure functions).

Inside a shot, lines follow one another with a short gap (longer when the speaker changes). Between two
speaking shots the picture cuts `L_CUT` seconds before the last line ends (an L cut: we see the listener
while the speaker finishes), so a line may run over a cut; a shot followed by a silent one holds `TAIL`
seconds after its last line. `retime` turns this into shot durations (the plan follows the speech);
`place` lays the spoken lines on the real timeline of a cut, whatever the takes' lengths became.
"""

from __future__ import annotations

from dataclasses import dataclass

LEAD = 0.3  # silence at the start of a speaking shot that follows a silent one
GAP = 0.2  # between two lines of one speaker
TURN = 0.35  # between two speakers
TAIL = 0.45  # after the last line of a shot before a silent shot
L_CUT = 0.4  # how far a line runs into the next speaking shot
MIN_SHOT = 1.5


@dataclass(frozen=True)
class Timed:
    """A line to place: its shot, speaker (for the gap rule) and length."""

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


def _gap(previous: Timed | None, line: Timed) -> float:
    if previous is None:
        return 0.0
    return GAP if previous.speaker == line.speaker else TURN


def retime(shots: list[str], lines: dict[str, list[Timed]], planned: dict[str, float]) -> dict[str, float]:
    """New durations of the speaking shots of one scene (shot ids in order); silent shots keep theirs."""
    durations: dict[str, float] = {}
    spill = 0.0  # how far the previous shot's speech runs into this one
    previous: Timed | None = None
    for index, shot_id in enumerate(shots):
        said = lines.get(shot_id, [])
        if not said:
            spill, previous = 0.0, None
            continue
        cursor = spill if previous is not None else LEAD
        for line in said:
            cursor += _gap(previous, line) if cursor > 0 and previous is not None else 0.0
            cursor += line.seconds
            previous = line
        next_speaks = index + 1 < len(shots) and bool(lines.get(shots[index + 1]))
        wanted = cursor - L_CUT if next_speaks else cursor + TAIL
        durations[shot_id] = round(max(MIN_SHOT, wanted), 3)
        spill = max(0.0, cursor - durations[shot_id])
    return durations


def place(segments: list[tuple[str | None, float, float]], lines: dict[str, list[Timed]]) -> list[Placed]:
    """Start and end (film seconds) of every line, given the cut's segments as (shot id, start, end).

    A line starts after the previous one (plus the gap) and never before its own shot begins (plus LEAD
    after a silent segment).
    """
    placed: list[Placed] = []
    cursor, previous, last_spoke = 0.0, None, False
    for shot_id, start, _end in segments:
        said = lines.get(shot_id or "", [])
        if not said:
            last_spoke, previous = False, None
            continue
        at = start + (0.0 if last_spoke else LEAD)
        for line in said:
            begin = max(at, cursor + _gap(previous, line)) if previous is not None else max(at, cursor)
            placed.append(Placed(line.key, line.shot_id, begin, begin + line.seconds))
            cursor, previous, at = begin + line.seconds, line, begin + line.seconds
        last_spoke = True
    return placed
