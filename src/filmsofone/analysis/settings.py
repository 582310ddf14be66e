"""SettingFinder: the places where scenes happen, grouped across their variants, and each scene's setting,
interior/exterior and time of day.

Places come from the recogniser (GPE, LOC, FAC; less the names that speak, bear a title, or are families),
from proper nouns whose contexts make them places (`named_places`: "at the Anchor" twice, "the landlord of the
Crown", "lived at Speyer", "Fetter Lane"; characters' names never), from common-noun places after a determiner
("in the drawing-room", "every churchyard", "Mrs. Pellow's drawing-room") or bare after a preposition ("at sea",
"across fields"), and "home" ("at home", a weak interior). Variants are grouped across the book
("drawing room" / "drawing-room" / "Mrs. Pellow's drawing-room" / "the drawing-rooms"; "Hollowmere" /
"Hollowmere Park"). A scene's setting is the place that dominates it: mentions that put someone there
("in the library", "reached the quay") count triple, and a generic place ("the room", "the house") is the
setting only when the scene names no more specific one. A house is an interior when people dine, dance or
sit at it ("dined at Hollowmere"). `fill_scene_gaps` then gives a scene set in a town the interior/exterior
of the places it names, and an unknown time of day the time of the scene before in the same chapter unless
the scene opens on a time jump.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from ..lexicon import HONORIFICS, alternation, not_sentence_end
from .named_places import (
    clean_place_name,
    is_person_name,
    located_named,
    named_places,
    not_a_place_name,
    not_places,
)
from .nlp import Entity
from .places import (
    EXTERIOR_PLACES,
    INTERIOR_PLACES,
    NOT_SETTINGS,
    PLACE_NOUNS,
    TIME_WORDS,
    WEAK_SETTINGS,
)

_LOCATIVE = r"(?:in|into|inside|within|at|to|from|through|across|towards?|out of|round|around|reached|entered|left|along|on|upon|near|by|beside|outside|under|over|down|up)"


def _trie_pattern(words) -> str:
    """One regex alternation for `words` as a prefix tree (fast to match; longest match first); a space or a
    hyphen in a word matches either, or a line break."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word.replace(" ", "-"):
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [(r"[ \t\n-]" if c == "-" else re.escape(c)) + emit(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


_NOUNS = _trie_pattern(PLACE_NOUNS)
_OWNER = rf"(?:(?:{alternation(HONORIFICS)})\.?[ \t\n]+)?[A-Z][a-z]+(?:'s|’s)"
_COMMON_PLACE = re.compile(
    rf"\b(?P<locative>{_LOCATIVE}[ \t\n]+)?(?:the|a|an|his|her|their|our|my|your|its|this|that|these|those|every|"
    rf"each|another|some|many|several|(?-i:{_OWNER}))[ \t\n]+(?:(?!(?:the|a|an|of|and|or|in|to)\b)[a-z]+,?[ \t\n]+)??"
    rf"(?:(?!(?:the|a|an|of|and|or|in|to|that|this|his|her|their|my|our|your|its)\b)(?P<modifier>[a-z]+)(?:[ \t\n]+|(?P<hyphen>-)))??(?P<place>{_NOUNS})(?P<plural>s)?\b(?![ \t\n]*-)(?![ \t\n]+(?:{_NOUNS})\b)",
    re.I,
)
_PRESENCE = re.compile(r"(?:in|into|inside|within|at|reached|entered|entering|reaching)[ \t\n]+$", re.I)
_ADJECTIVES = frozenset(
    """big small little large great old new front back next own long dark empty same other whole first last upper
    lower inner outer best only very such open high low wide narrow poor fine good bad dear cold warm hot
    short quiet silent crowded humble grand noble fair sweet neat vast huge tiny ancient
    modern broad deep shallow steep brown green red white black grey gray blue yellow one two three four five
    six seven eight nine ten twelve twenty hundred few several many main wooden golden sick straight private
    public foreign western eastern northern southern principal chief central entire various favourite favorite
    renaissance gothic dim bare lonely gloomy dingy spacious lofty splendid magnificent""".split()
)
_PHYSICAL_IF_ENTERED = frozenset({"passage", "landing"})
_ENTERING = frozenset({"into", "along", "down", "through", "across", "on", "upon", "up", "at", "reached", "entered"})
_ADJECTIVE_ENDINGS = ("y", "ful", "ous", "ish", "less", "ive", "able", "ible", "ble", "al", "ic", "ed", "est", "ly", "ing", "er")
_TIME_PATTERNS = {k: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in v) + r")\b", re.I) for k, v in TIME_WORDS.items()}
_HOME = re.compile(
    r"\b(?:(?P<at>at|reached|reaching)|from|went|go|goes|going|gone|come|came|coming|returned|returning|return|"
    r"get|got|getting|stay|stayed|staying|left|leave|leaving|his|her|their|my|our|your)[ \t\n]+(?P<home>home)\b(?!-)"
)
_BARE_PLACE = re.compile(
    r"\b(?P<prep>in|at|to|into|from|through|across|over|along|among|towards?)[ \t\n]+"
    r"(?P<place>town|church|school|sea|prison|college|chapel|market|hospital|fields|streets|woods|hills|meadows|"
    r"gardens|mountains|forests|lanes|roads|valleys|plains|moors|marshes)\b(?![ \t\n]*-)",
)
_SHORT_TEXT = 40_000  # in a text this short, a place mentioned once is kept


@dataclass
class SettingCluster:
    name: str
    key: str
    aliases: Counter = field(default_factory=Counter)
    interior: bool | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    id: str = ""
    weak: bool = False  # a generic place ("the room"): a scene's setting only when nothing more specific is named
    located: set[int] = field(default_factory=set)  # starts of the mentions that put someone there ("in the hall")
    quoted: set[int] = field(default_factory=set)  # starts of the mentions inside quotations (talked about)


class SettingFinder:
    """`find(text, start, end, places) -> list[SettingCluster]` (most mentioned first, ids s1, s2, ...)."""

    def find(self, text: str, start: int, end: int, places: list[Entity], quote_spans=(), people=()) -> list[SettingCluster]:
        """`places`: the recogniser's GPE/LOC/FAC entities; `people`: the characters' names, never places."""
        clusters: dict[str, SettingCluster] = {}
        named_keys: set[str] = set()
        self._add_recognised(clusters, text, start, end, places, named_keys)
        self._add_named(clusters, text, start, end, frozenset(people), named_keys)
        self._add_common(clusters, text, start, end)
        least = 1 if end - start < _SHORT_TEXT else 2
        kept = sorted((c for c in clusters.values() if len(c.mentions) >= least), key=lambda c: -len(c.mentions))
        _mark_quoted(kept, quote_spans)
        for n, cluster in enumerate(kept, 1):
            cluster.id = f"s{n}"
            cluster.name = _display_name(text, cluster)
        return kept

    def _add_recognised(self, clusters, text: str, start: int, end: int, places: list[Entity], named_keys) -> None:
        """The recogniser's places, less those that are not ('said Tibby', 'the Lebruns'); a name mostly
        tagged GPE is a weak setting (a town or country)."""
        rejected = not_places(text, start, end, places)
        gpe_votes: Counter = Counter()
        for entity in places:
            name = clean_place_name(entity.text)
            if not name or not name[0].isupper() or is_person_name(name) or not_a_place_name(name):
                continue
            if " " not in name and name in rejected:
                continue
            if " " not in name and name.lower() in PLACE_NOUNS:
                key = _singular(name.lower())  # "the Parsonage" is the parsonage
            else:
                key = _named_key(name, named_keys)
            self._add(clusters, key, name, (entity.start, entity.end), _named_interior(name), located_named(text, entity.start))
            gpe_votes[key] += 1 if entity.label == "GPE" else -1
            clusters[key].weak = gpe_votes[key] > 0

    def _add_common(self, clusters, text: str, start: int, end: int) -> None:
        """Common-noun places after a determiner (grouped with their noun compounds), bare after a
        preposition ("at sea"), and home."""
        matches = list(_COMMON_PLACE.finditer(text, start, end))
        compounds = _compounds(matches)
        sole = _sole_compounds(compounds)
        for match in matches:
            place = re.sub(r"[\s-]+", " ", match.group("place").lower())
            if place in NOT_SETTINGS or place.replace(" ", "-") in NOT_SETTINGS:
                locative = (match.group("locative") or "").split()
                if place not in _PHYSICAL_IF_ENTERED or not locative or locative[0].lower() not in _ENTERING:
                    continue  # "a passage in the book", but "along the passage"
            key = _singular(place)
            plural = match.group("plural") or ""
            surface = "the " + re.sub(r"\s+", " ", match.group("place").lower()) + plural
            modifier = (match.group("modifier") or "").lower()
            joined = "-" if match.group("hyphen") else " "  # "the ferry-house" is a place of its own
            if (modifier, key) in compounds or joined == "-" or (not modifier and key in sole):
                if modifier:
                    surface = f"the {modifier}{joined}{key}{plural}"
                key = f"{modifier or sole[key]} {key}"
            present = bool(match.group("locative")) and bool(_PRESENCE.search(match.group("locative")))
            self._add(clusters, key, surface, (match.start("place"), match.end()), _common_interior(place), present)
            clusters[key].weak = key in WEAK_SETTINGS
        for match in _BARE_PLACE.finditer(text, start, end):
            place = match.group("place").lower()
            key = _singular(place) if place.endswith("s") and place not in PLACE_NOUNS else place
            at = match.group("prep").lower() in ("in", "at")
            self._add(clusters, key, "the " + key, match.span("place"), _common_interior(key), at)
            clusters[key].weak = key in WEAK_SETTINGS
        for match in _HOME.finditer(text, start, end):
            self._add(clusters, "home", "home", match.span("home"), True, bool(match.group("at")))
            clusters["home"].weak = True

    def _add_named(self, clusters: dict[str, SettingCluster], text: str, start: int, end: int, people, named_keys) -> None:
        """Proper-noun places the recogniser missed, on the evidence of their contexts ("lived at Speyer",
        "the town of Ashby", "at the Anchor" twice, "the landlord of the Crown", "Fetter Lane")."""
        for name, found in named_places(text, start, end, people).items():
            key = _named_key(name.removeprefix("the "), named_keys)
            taken = clusters[key].mentions if key in clusters else []
            fresh = key not in clusters
            surface = name if fresh else name.removeprefix("the ")  # "the Anchor" keeps its article if new
            for span, located in found.spans:
                if not any(a < span[1] and span[0] < b for a, b in taken):
                    self._add(clusters, key, surface, span, found.interior, located)
            if fresh and key in clusters:
                clusters[key].weak = found.interior is None  # a town or region, by all we know
            cluster = clusters.get(key)
            if cluster is not None and cluster.interior is None and (not cluster.weak or found.inside >= 2):
                cluster.interior = found.interior
                cluster.weak = cluster.weak and found.interior is None  # dined at twice: a house, not a town

    @staticmethod
    def _add(clusters, key: str, surface: str, span, interior, located: bool = False) -> None:
        cluster = clusters.get(key)
        if cluster is None:
            cluster = clusters[key] = SettingCluster(name=surface, key=key, interior=interior)
        cluster.aliases[surface] += 1
        cluster.mentions.append(span)
        if located:
            cluster.located.add(span[0])


def scene_setting(clusters: list[SettingCluster], start: int, end: int) -> SettingCluster | None:
    """The place that dominates a scene: the most mentions, those of the narration that put someone there
    counting triple and those inside quotations (places talked about) a third, a known interior/exterior a
    little more, ties to the one mentioned first; generic places ("the room") and towns or countries only
    when the scene names no closer place."""
    best, best_key = None, None
    for cluster in clusters:
        inside = [s for s, _ in cluster.mentions if start <= s < end]
        if inside:
            key = (not cluster.weak, _weight(cluster, start, end) + (1 if cluster.interior is not None else 0), -inside[0])
            if best_key is None or key > best_key:
                best, best_key = cluster, key
    return best


def _weight(cluster: SettingCluster, start: int, end: int) -> float:
    """How much a scene is at this place: a mention of the narration counts 1, or 3 when it puts someone
    there ("in the library"); a mention inside a quotation (talked about) counts a third."""
    inside = [s for s, _ in cluster.mentions if start <= s < end]
    told = [s for s in inside if s not in cluster.quoted]
    return len(told) + (len(inside) - len(told)) / 3 + 2 * sum(1 for s in told if s in cluster.located)


def time_of_day(text: str, start: int, end: int) -> str:
    """'day', 'night', 'dawn', 'dusk' or 'unknown': the time the opening sentence states ("That evening, ...",
    "At two in the morning"), else a vote of the scene's time words (the first third counts double)."""
    votes: Counter = Counter()
    head = start + (end - start) // 3
    opening = _opening_end(text, start, end)
    if _SMALL_HOURS.search(text, start, opening):
        return "night"
    stated = {kind for kind, pattern in _TIME_PATTERNS.items() if pattern.search(text, start, opening)}
    if len(stated) == 1:
        return stated.pop()  # the opening sentence says when ("At dawn, ...", "That evening ...")
    for kind, pattern in _TIME_PATTERNS.items():
        votes[kind] += len(pattern.findall(text, start, end)) + len(pattern.findall(text, start, head))
        votes[kind] += 3 * len(pattern.findall(text, start, opening))
    small_hours = sum(weight * len(_SMALL_HOURS.findall(text, start, until)) for until, weight in ((end, 1), (head, 1), (opening, 3)))
    votes["night"] += 2 * small_hours  # "at two in the morning" is night, not morning
    votes["day"] -= small_hours
    if not votes or votes.most_common(1)[0][1] == 0:
        return "unknown"
    return votes.most_common(1)[0][0]


def _opening_end(text: str, start: int, end: int) -> int:
    """End of the scene's first sentence of prose (after a chapter heading, if any)."""
    body = _HEADING.match(text, start, end)
    at = body.end() if body else start
    stop = _SENTENCE_STOP.search(text, at, min(end, at + 300))
    return stop.end() if stop else min(end, at + 300)


_SMALL_HOURS = re.compile(
    r"\b(?:one|two|three|four|1|2|3|4)(?:[ \t\n]+(?:and[ \t\n]+a[ \t\n]+half|o['’]clock))?[ \t\n]+in[ \t\n]+the[ \t\n]+morning\b"
    r"|\bsmall[ \t\n]+hours\b", re.I,
)
_SENTENCE_STOP = re.compile(rf"{not_sentence_end()}[.!?](?=\s)")
_HEADING = re.compile(
    r"[ \t]*(?:(?:CHAPTER|Chapter|BOOK|Book|PART|Part)\b[^\n]{0,80}|[IVXLCDM]+\.?)[ \t]*\n(?:[ \t]*\n)*"
    r"(?:[^\n]{1,80}\n(?:[ \t]*\n)+)?"
)


def scene_interior(clusters: list[SettingCluster], setting: SettingCluster | None, start: int, end: int) -> bool | None:
    """The setting's interior/exterior, or, for a town or region ("London"), that of the most mentioned place
    of known kind inside the scene ("the room", "the garden")."""
    if setting is not None and setting.interior is not None:
        return setting.interior
    votes: Counter = Counter()
    for cluster in clusters:
        if cluster.interior is not None:
            votes[cluster.interior] += _weight(cluster, start, end)
    ranked = votes.most_common()
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def fill_scene_gaps(text: str, scenes: list, clusters: list[SettingCluster]) -> list:
    """Scenes (models.Scene) with the gaps the text allows filled: interior/exterior from the places named in
    a scene whose setting is a town or region, and an unknown time of day taken from the scene before in the
    same chapter when the scene does not open on a time shift of its own (nothing says time has moved)."""
    from .scenes import opens_with_time_shift

    by_id = {c.id: c for c in clusters}
    filled = []
    for n, scene in enumerate(scenes):
        changes = {}
        if scene.interior is None:
            interior = scene_interior(clusters, by_id.get(scene.setting or ""), scene.start, scene.end)
            if interior is not None:
                changes["interior"] = interior
        previous = filled[n - 1] if n else None
        if (scene.time_of_day == "unknown" and previous is not None and previous.chapter == scene.chapter
                and previous.time_of_day != "unknown" and not opens_with_time_shift(text, scene.start)):
            changes["time_of_day"] = previous.time_of_day
        filled.append(scene.model_copy(update=changes) if changes else scene)
    return filled


def _mark_quoted(clusters: list[SettingCluster], quote_spans) -> None:
    """Record which mentions of each place fall inside a quotation."""
    spans = sorted(quote_spans)
    starts = [a for a, _ in spans]
    for cluster in clusters:
        for s, _ in cluster.mentions:
            i = bisect.bisect_right(starts, s) - 1
            if i >= 0 and spans[i][0] <= s < spans[i][1]:
                cluster.quoted.add(s)


def _display_name(text: str, cluster: SettingCluster) -> str:
    """The cluster's name: its longest compound alias ('the harbour office'), else its commonest alias, with
    'the' before a proper noun mostly written with it ('the Anchor', 'the Thames')."""
    compound = [a for a, _ in cluster.aliases.most_common() if a.lower().replace("-", " ").endswith(cluster.key)]
    name = compound[0] if compound else cluster.aliases.most_common(1)[0][0]
    if name[:1].isupper() and _mostly_after_the(text, cluster.mentions):
        cluster.aliases["the " + name] += 0
        return "the " + name
    return name


def _mostly_after_the(text: str, mentions: list[tuple[int, int]]) -> bool:
    """Whether most mentions of a proper-noun place follow 'the' ('the Anchor', 'the Wenning')."""
    after = sum(1 for s, _ in mentions if text[max(0, s - 4) : s].lower() == "the ")
    return after * 2 > len(mentions)


def _compounds(matches) -> set[tuple[str, str]]:
    """(modifier, place) pairs used at least twice whose modifier is a noun, not an adjective: 'the lamp room',
    'the cliff path' are places of their own, 'the crowded room' is the room."""
    pairs = Counter(
        ((m.group("modifier") or "").lower(), _singular(re.sub(r"[\s-]+", " ", m.group("place").lower())))
        for m in matches
        if m.group("modifier")
    )
    return {
        (modifier, place)
        for (modifier, place), n in pairs.items()
        if n >= 2 and modifier not in _ADJECTIVES and not modifier.endswith(_ADJECTIVE_ENDINGS) and len(modifier) > 2
    }


def _sole_compounds(compounds: set[tuple[str, str]]) -> dict[str, str]:
    """Place nouns with exactly one compound (harbour office): the bare noun ('the office') is that place."""
    modifiers: dict[str, list[str]] = {}
    for modifier, place in compounds:
        modifiers.setdefault(place, []).append(modifier)
    return {place: found[0] for place, found in modifiers.items() if len(found) == 1 and place not in WEAK_SETTINGS}


def _singular(place: str) -> str:
    """'rooms' -> 'room', 'gardens' -> 'garden', 'drawing rooms' -> 'drawing room'."""
    if place.endswith("s") and place[:-1] in PLACE_NOUNS:
        return place[:-1]
    return place


def _named_key(name: str, named_keys: set[str]) -> str:
    """The key of a proper-noun place: that of a known one it extends or that extends it ('Hollowmere' and
    'Hollowmere Park', 'Thornleigh' and 'Thornleigh Park'), unless the longer one is a street, a bridge or a
    building of its own ('Chertsey Bridge', 'Baker Street'); 'the West Gate' and 'the West Indies' stay apart."""
    words = name.lower().split()
    for key in sorted(named_keys):
        other = key.split()
        short, long = (words, other) if len(words) <= len(other) else (other, words)
        if long[: len(short)] == short and (len(long) == len(short) or long[-1].title() not in _DISTINCT_SUFFIXES):
            return key
    key = " ".join(words)
    named_keys.add(key)
    return key


_DISTINCT_SUFFIXES = frozenset(
    "Street Lane Road Square Bridge Station Gate Row Church Chapel Cathedral Hill Hills Wharf Pier Market".split()
)


def _named_interior(name: str) -> bool | None:
    last = name.split()[-1].lower()
    if last == "park" and len(name.split()) > 1:
        return None  # "Hollowmere Park" is a house, "Hyde Park" a park: the contexts decide
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




