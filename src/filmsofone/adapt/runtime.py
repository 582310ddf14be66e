"""Running time: the user's target ('2h', '90m', '5400s'), the default from the book's length, and how long
a beat lasts on screen.

The default target (`default_target_seconds`) follows feature films made from books:
- a full novel (40,000 words or more) runs 100 minutes, plus 1 minute per 4,000 words beyond 40,000, at most
  130 minutes (Pride and Prejudice, 122,000 words: about 120 minutes);
- a shorter book runs proportionally less, faster than its length shrinks: 100 minutes x (words / 40,000)^1.5
  (a 10,000-word novella: 12.5 minutes; a 22,000-word one: 41 minutes), and never under 1 minute;
- a short story (under 10,000 words) runs at least a minute for each scene with something to film (a
  3,000-word story of six scenes: 6 minutes, not 2), and the adaptation keeps a scene of every chapter;
- never longer than the whole book filmed at the adaptation's pace.
"""

from __future__ import annotations

import re

from ..errors import UserError

NOVEL_WORDS = 40_000
NOVEL_MINUTES = 100.0
MAX_MINUTES = 130.0
WORDS_PER_EXTRA_MINUTE = 4_000
MIN_SECONDS = 60.0
SHORT_WORDS = 10_000  # under this a book is a short story
SHORT_SCENE_SECONDS = 60.0  # a short story's default gives each scene at least this

SPEECH_WPS = 2.5  # words per second of natural speech
LINE_PAUSE = 0.6  # a breath between lines
ACTION_BASE = 2.0  # an action holds the screen this long, plus ACTION_PER_WORD a word
ACTION_PER_WORD = 0.2
ACTION_MAX = 8.0
ESTABLISHING_SECONDS = 3.5  # every kept scene opens on its place

_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(hours?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])", re.I)
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}
_WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F]+(?:['\u2019][A-Za-z]+)*")


def parse_runtime(value: str) -> float:
    """'2h' -> 7200.0, '90m' -> 5400.0, '5400s' -> 5400.0, '1h30m' -> 5400.0; else UserError."""
    raw = (value or "").strip()
    hint = "give a running time with a unit, e.g. --runtime 2h, 90m or 5400s"
    if re.fullmatch(r"[+-]?0*(?:\.0*)?", raw) and raw:
        raise UserError(f"the running time must be more than zero (got '{value}')", hint)
    if not raw or _PART.sub("", raw).strip():
        raise UserError(f"cannot read the running time '{value}'", hint)
    seconds = sum(float(n) * _UNIT[unit[0].lower()] for n, unit in _PART.findall(raw))
    if seconds <= 0:
        raise UserError(f"the running time must be more than zero (got '{value}')", hint)
    if seconds > 24 * 3600:
        raise UserError(f"a running time of '{value}' is more than a day", hint)
    return seconds


def default_target_seconds(words: int, full_seconds: float | None = None, scenes: int = 0) -> float:
    """The default running time of a book of `words` words and `scenes` scenes with something to film (see
    the module docstring)."""
    if words >= NOVEL_WORDS:
        minutes = min(MAX_MINUTES, NOVEL_MINUTES + (words - NOVEL_WORDS) / WORDS_PER_EXTRA_MINUTE)
    else:
        minutes = NOVEL_MINUTES * (words / NOVEL_WORDS) ** 1.5
    seconds = max(MIN_SECONDS, minutes * 60.0)
    if words < SHORT_WORDS:
        seconds = max(seconds, SHORT_SCENE_SECONDS * scenes)
    return min(seconds, full_seconds) if full_seconds else seconds


def format_runtime(seconds: float) -> str:
    """5400 -> '1h30m', 750 -> '12m30s'."""
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def beat_seconds(kind: str, text: str) -> float:
    """Screen time of a beat: lines and voice-over at speaking pace, action by its length (capped)."""
    n = sum(1 for w in text.split() if any(c.isalnum() for c in w))
    if kind == "action":
        return min(ACTION_MAX, ACTION_BASE + ACTION_PER_WORD * n)
    return n / SPEECH_WPS + LINE_PAUSE
