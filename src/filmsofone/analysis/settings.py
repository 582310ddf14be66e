"""SettingFinder: the places where scenes happen, grouped across their variants, and each scene's setting,
interior/exterior and time of day.

Places come from the recogniser (GPE, LOC, FAC) and from common-noun places after a locative preposition
("in the drawing-room", "into the garden"). Variants are grouped ("drawing room" / "drawing-room"; "Netherfield"
/ "Netherfield Park"). A scene's setting is the place it mentions most, preferring the first mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .nlp import Entity
from .places import EXTERIOR_PLACES, GENERIC, INTERIOR_PLACES, PLACE_NOUNS, TIME_WORDS

_LOCATIVE = r"(?:in|into|inside|within|at|to|from|through|across|towards?|out of|round|around|reached|entered|left|along|on|upon|near|by|beside|outside|under|over|down|up)"
_NOUNS = "|".join(sorted((re.escape(p).replace(r"\ ", r"[ \t\n-]").replace(r"\-", r"[ \t\n-]") for p in PLACE_NOUNS), key=len, reverse=True))
_COMMON_PLACE = re.compile(
    rf"\b(?:{_LOCATIVE}[ \t\n]+)?(?:the|a|an|his|her|their|our|my|this|that)[ \t\n]+(?:(?:[a-z]+)[ \t\n]+)?(?P<place>{_NOUNS})\b(?![ \t\n]*-)",
    re.I,
)
_TIME_PATTERNS = {k: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in v) + r")\b", re.I) for k, v in TIME_WORDS.items()}
_SHORT_TEXT = 40_000  # in a text this short, a place mentioned once is kept
_NAMED_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass
class SettingCluster:
    name: str
    key: str
    aliases: Counter = field(default_factory=Counter)
    interior: bool | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    id: str = ""


class SettingFinder:
    """`find(text, start, end, places) -> list[SettingCluster]` (most mentioned first, ids s1, s2, ...)."""

    def find(self, text: str, start: int, end: int, places: list[Entity], quote_spans=()) -> list[SettingCluster]:
        clusters: dict[str, SettingCluster] = {}
        for entity in places:
            name = _clean(entity.text)
            if not name or not name[0].isupper():
                continue
            self._add(clusters, _named_key(name, clusters), name, (entity.start, entity.end), interior=_named_interior(name))
        for match in _COMMON_PLACE.finditer(text, start, end):
            place = re.sub(r"[\s-]+", " ", match.group("place").lower())
            if place in GENERIC:
                continue
            surface = "the " + re.sub(r"\s+", " ", match.group("place").lower())
            self._add(clusters, place, surface, match.span("place"), interior=_common_interior(place))
        least = 1 if end - start < _SHORT_TEXT else 2
        kept = [c for c in clusters.values() if len(c.mentions) >= least]
        kept.sort(key=lambda c: -len(c.mentions))
        for n, cluster in enumerate(kept, 1):
            cluster.id = f"s{n}"
            cluster.name = cluster.aliases.most_common(1)[0][0]
        return kept

    @staticmethod
    def _add(clusters, key: str, surface: str, span, interior) -> None:
        cluster = clusters.get(key)
        if cluster is None:
            cluster = clusters[key] = SettingCluster(name=surface, key=key, interior=interior)
        cluster.aliases[surface] += 1
        cluster.mentions.append(span)


def scene_setting(clusters: list[SettingCluster], start: int, end: int) -> SettingCluster | None:
    """The place a scene mentions most (ties: the one mentioned first)."""
    best, best_key = None, None
    for cluster in clusters:
        inside = [s for s, _ in cluster.mentions if start <= s < end]
        if inside:
            key = (len(inside) + (1 if cluster.interior is not None else 0), -inside[0])
            if best_key is None or key > best_key:
                best, best_key = cluster, key
    return best


def time_of_day(text: str, start: int, end: int) -> str:
    """'day', 'night', 'dawn', 'dusk' or 'unknown' from the scene's time words (the first third counts double)."""
    votes: Counter = Counter()
    head = start + (end - start) // 3
    for kind, pattern in _TIME_PATTERNS.items():
        votes[kind] += len(pattern.findall(text, start, end)) + len(pattern.findall(text, start, head))
    if not votes or votes.most_common(1)[0][1] == 0:
        return "unknown"
    return votes.most_common(1)[0][0]


def _clean(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" .,;:!?\"'“”‘’()_")
    name = re.sub(r"^(?:the|The) ", "", name)
    return re.sub(r"(?:'s|’s)$", "", name)


def _named_key(name: str, clusters) -> str:
    """'Netherfield Park' and 'Netherfield' share a key (the first word) when one extends the other."""
    first = name.split()[0].lower()
    return first if len(first) > 3 else name.lower()


def _named_interior(name: str) -> bool | None:
    last = name.split()[-1].lower()
    if last in INTERIOR_PLACES:
        return True
    if last in EXTERIOR_PLACES:
        return False
    return None


def _common_interior(place: str) -> bool | None:
    if place in INTERIOR_PLACES or place.replace(" ", "-") in INTERIOR_PLACES:
        return True
    if place in EXTERIOR_PLACES or place.replace(" ", "-") in EXTERIOR_PLACES:
        return False
    return None
