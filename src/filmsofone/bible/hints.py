"""Appearance hints: phrases of the book that describe how a character looks, with their offsets.

For every sentence that mentions a character (by any alias), phrases such as "a tall, dark young man",
"her grey eyes" or "with a red beard" are picked out by pattern; each is given to the character whose
mention is nearest in the sentence ("his"/"her" only to a character of that gender, when known).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..lexicon import ANIMAL_NOUNS, HONORIFICS, alternation
from ..models import Character
from .model import Hint

MAX_HINTS = 12

APPEARANCE_WORDS = frozenset(
    """
    tall short little small large big huge tiny stout fat plump thin slender slim lean lanky gaunt slight
    broad stocky burly portly heavy strong powerful frail delicate graceful elegant awkward stooping bent
    young younger old older elderly aged middle-aged youthful boyish girlish venerable wrinkled withered
    dark fair pale blonde blond brunette swarthy sallow ruddy rosy florid tanned sunburnt freckled
    grey gray white black brown red auburn golden yellow sandy silver silvery chestnut ginger raven flaxen
    blue green hazel bright dull piercing deep-set sunken
    handsome pretty beautiful lovely plain ugly homely comely striking good-looking ill-favoured
    bald curly curling wavy straight long cropped close-cropped bushy shaggy thick thin grizzled unkempt
    neat shabby ragged tattered elegant smart well-dressed ill-dressed threadbare faded dirty clean
    bearded clean-shaven whiskered moustached spectacled one-eyed lame hunchbacked wooden
    """.split()
)

BODY_WORDS = (
    "man woman girl boy lady gentleman fellow child creature person "
    "figure face eyes eye hair beard moustache mustache whiskers complexion cheeks cheek lips brow forehead "
    "nose mouth chin skin features hands frame shoulders head curls locks teeth "
    "dress gown coat hat bonnet cloak shawl suit waistcoat jacket spectacles boots apron uniform veil"
).split()

_NOUN = "|".join(sorted(BODY_WORDS, key=len, reverse=True))
_PHRASE_RE = re.compile(
    rf"\b(?P<det>an?|his|her|with|in)\s+(?P<mods>(?:[A-Za-z'\u2019-]+,?\s+){{0,4}}?)(?P<noun>{_NOUN})\b",
    re.IGNORECASE,
)


def find_hints(text: str, characters: Iterable[Character], *, limit: int = MAX_HINTS) -> dict[str, list[Hint]]:
    """Appearance phrases per character id, in order of appearance in the book (at most `limit` each)."""
    characters = list(characters)
    alias_re, owners = _alias_pattern(characters)
    hints: dict[str, list[Hint]] = {c.id: [] for c in characters}
    if alias_re is None:
        return hints
    genders = {c.id: c.gender for c in characters}
    seen: dict[str, set[str]] = {c.id: set() for c in characters}
    for start, end, mentions in _described_sentences(text, alias_re, owners, genders):
        sentence = text[start:end]
        for match in _PHRASE_RE.finditer(sentence):
            if not _describes_appearance(match):
                continue
            offset = start + match.start()
            owner = _nearest_owner(offset, mentions, _gender_of(match), genders)
            if owner is None or len(hints[owner]) >= limit:
                continue
            phrase = " ".join(match.group(0).split())
            if phrase.casefold() in seen[owner]:
                continue
            seen[owner].add(phrase.casefold())
            hints[owner].append(Hint(text=phrase, start=offset, end=offset + len(match.group(0))))
    return hints


def _described_sentences(text: str, alias_re: re.Pattern, owners: dict[str, str],
                         genders: dict[str, str]) -> list[tuple[int, int, list[tuple[int, str]]]]:
    """Sentences that mention characters, with the mentions; a following sentence opening with 'He'/'She'
    and naming nobody is added too, as a mention of the last character of that gender named before it."""
    found = []
    for start, end in _sentences_with_mentions(text, alias_re):
        mentions = [(m.start(), owners[_owner_key(m.group(0))]) for m in alias_re.finditer(text, start, end)]
        found.append((start, end, mentions))
        following = _sentence_around(text, end + 1, end + 1) if end + 1 < len(text) else None
        if following is None or following[0] < end or alias_re.search(text, following[0], following[1]):
            continue
        opening = _PRONOUN_RE.match(text, following[0])
        if opening is None:
            continue
        gender = "male" if opening.group(1).lower() in ("he", "his") else "female"
        same = [owner for _, owner in mentions if genders.get(owner) == gender]
        if same:
            found.append((following[0], following[1], [(following[0], same[-1])]))
    return found


_PRONOUN_RE = re.compile(r"\s*[\"'\u201c\u2018]?\s*(He|She|His|Her)\b")


def _alias_pattern(entries: list) -> tuple[re.Pattern | None, dict[str, str]]:
    """A pattern matching any name of the entries (case-sensitive: 'Will' is not 'will'; a name written in
    lower case, 'the hotel', also matches with a capital first letter), and each name's owner keyed by
    `_owner_key`."""
    owners: dict[str, str] = {}
    alternatives = []
    for entry in entries:
        for name in (entry.name, *entry.aliases):
            name = name.strip()
            if len(name) < 2 or _owner_key(name) in owners:
                continue
            owners[_owner_key(name)] = entry.id
            first = re.escape(name[0])
            if name[0].islower():
                first = f"[{name[0]}{name[0].upper()}]"
            alternatives.append((len(name), first + re.escape(name[1:])))
    if not owners:
        return None, owners
    body = "|".join(p for _, p in sorted(alternatives, key=lambda a: -a[0]))
    return re.compile(r"(?<![\w])(?:" + body + r")(?![\w])"), owners


def _owner_key(name: str) -> str:
    return name[:1].lower() + name[1:]


def _sentences_with_mentions(text: str, alias_re: re.Pattern) -> list[tuple[int, int]]:
    """(start, end) of each sentence holding at least one mention, in order."""
    spans: list[tuple[int, int]] = []
    for mention in alias_re.finditer(text):
        if spans and spans[-1][0] <= mention.start() < spans[-1][1]:
            continue
        spans.append(_sentence_around(text, mention.start(), mention.end()))
    return spans


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in ".!?") + 1
    paragraph = text.rfind("\n\n", 0, start)
    left = max(left, paragraph + 2 if paragraph >= 0 else 0)
    right_candidates = [i for i in (text.find(ch, end) for ch in ".!?") if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    paragraph_end = text.find("\n\n", end)
    if paragraph_end >= 0:
        right = min(right, paragraph_end)
    while left < start and text[left].isspace():
        left += 1
    return left, right


_FUNCTION_WORDS = frozenset(
    "a an the his her their its my your our this that these those being is was were be been of to and or but "
    "which who whom whose s own".split()
)


def _modifiers(match: re.Match) -> list[str]:
    """The words between the determiner and the noun ('with her grey eyes' -> ['grey'])."""
    words = [w.strip(",").lower().replace("\u2019", "'") for w in match.group("mods").split()]
    if match.group("det").lower() in ("with", "in") and words and words[0] in ("his", "her", "a", "an", "the"):
        words = words[1:]
    return words


def _describes_appearance(match: re.Match) -> bool:
    words = _modifiers(match)
    if any(w in _FUNCTION_WORDS or w.endswith("'s") or w.endswith("'") for w in words):
        return False  # crosses a clause, or describes someone else's ("his friend's face")
    return any(w in APPEARANCE_WORDS for w in words)


_FEMALE_NOUNS = {"woman", "women", "girl", "girls", "lady", "ladies", "gown", "bonnet"}
_MALE_NOUNS = {"man", "men", "boy", "boys", "gentleman", "gentlemen", "fellow", "beard", "moustache", "mustache",
               "whiskers"}


def _gender_of(match: re.Match) -> str | None:
    """The gender a phrase implies: 'his ...', 'a young lady', 'a red beard'; None when it implies none."""
    det, noun = match.group("det").lower(), match.group("noun").lower()
    first = match.group("mods").split()[:1]
    if det in ("with", "in") and first and first[0].lower() in ("his", "her"):
        det = first[0].lower()
    if det in ("his", "her"):
        return "male" if det == "his" else "female"
    if noun in _FEMALE_NOUNS:
        return "female"
    if noun in _MALE_NOUNS:
        return "male"
    return None


def _nearest_owner(offset: int, mentions: list[tuple[int, str]], wanted: str | None,
                   genders: dict[str, str]) -> str | None:
    best, best_distance = None, None
    for position, owner in mentions:
        if wanted and genders.get(owner) not in (wanted, "unknown"):
            continue
        distance = abs(position - offset)
        if best_distance is None or distance < best_distance:
            best, best_distance = owner, distance
    return best


# --- places ----------------------------------------------------------------------------------------

PLACE_WORDS = frozenset(
    """
    little small large big huge vast great tiny low high tall narrow wide broad long deep steep
    old ancient new modern crumbling ruined decayed shabby grand stately handsome elegant splendid humble
    dark dim gloomy shadowy bright sunny sunlit moonlit lamplit candlelit airy cold chilly damp wet dry dusty
    warm cosy cozy comfortable bare empty deserted lonely quiet silent still noisy busy crowded bustling
    grey gray white black brown red green blue golden yellow silver pink
    stone wooden brick marble iron glass thatched panelled paneled whitewashed painted gilded
    muddy sandy rocky grassy leafy wooded misty foggy smoky windswept
    pretty beautiful lovely ugly dreary dismal cheerful charming famous remarkable
    """.split()
)
PLACE_NOUNS = (
    "room rooms house hall hotel inn church chapel kitchen parlour parlor library study office shop cellar attic "
    "chamber bedroom salon drawing-room pension apartment cottage castle palace villa lodge mansion tavern "
    "street road lane square garden gardens park field fields wood woods forest river lake sea shore beach "
    "coast bay hill hills mountain valley moor heath bridge harbour harbor quay island meadow orchard "
    "churchyard terrace courtyard town city village place building gate gates window windows walls staircase"
).split()
_PLACE_NOUN = "|".join(sorted(PLACE_NOUNS, key=len, reverse=True))
_MODS = r"(?P<mods>(?:[A-Za-z'\u2019-]+,?\s+){1,4}?)"
MAX_PLACE_HINTS = 8


def find_place_hints(text: str, settings: Iterable, *, limit: int = MAX_PLACE_HINTS) -> dict[str, list[Hint]]:
    """How the book describes each setting, per setting id, in order of appearance.

    A place named by a common noun ('the garden') takes phrases ending in that noun ("a pretty little
    garden"); a place with a proper name takes phrases set beside its name ("the little town of Vevey",
    "Vevey, a quiet lakeside town"). The text is read once for all settings, and only the few words around
    each occurrence of a noun or name are searched, so a long novel takes a moment.
    """
    settings = list(settings)
    found: dict[str, list[Hint]] = {setting.id: [] for setting in settings}
    for setting_id, match in _place_matches(text, settings):
        hints = found[setting_id]
        if len(hints) > limit:
            continue  # matches come in reading order: the first few are the ones kept
        hint = _place_hint(match)
        if hint is not None and all(h.text.casefold() != hint.text.casefold() for h in hints):
            hints.append(hint)
    return {setting_id: sorted(hints, key=lambda h: h.start)[:limit] for setting_id, hints in found.items()}


def _place_hint(match: re.Match) -> Hint | None:
    """The descriptive phrase of a match, unless its words are not a description of a place."""
    raw = [w.strip(",") for w in match.group("mods").split()]
    words = [w.lower() for w in raw]
    if any(w in _FUNCTION_WORDS or "--" in w for w in words) or not any(w in PLACE_WORDS for w in words):
        return None
    if raw[-1][:1].isupper():
        return None  # 'the Great Peter Street': another place's proper name
    return Hint(text=" ".join(match.group(0).split()), start=match.start(), end=match.end())


_WINDOW = 90  # characters before (or after) a place's noun or name where its description may stand


def _place_matches(text: str, settings: list):
    """(setting id, descriptive match) in reading order, for every setting, in two passes over the text: one
    for the common nouns ('the garden'), one for the capitalised words that open a proper name."""
    by_head: dict[str, list[tuple[str, re.Pattern]]] = {}
    by_first: dict[str, list[tuple[str, str, re.Pattern, re.Pattern]]] = {}
    for setting in settings:
        words = setting.name.strip().split()
        if not words:
            continue
        if setting.name.strip()[0].islower() or words[0] in ("The", "A", "An"):  # 'the garden': a common noun
            head = words[-1]
            before = re.compile(rf"\b(?:an?|the)\s+{_MODS}{re.escape(head)}\Z", re.IGNORECASE)
            by_head.setdefault(head.lower(), []).append((setting.id, before))
            continue
        name = setting.name.strip()
        named = re.escape(name)
        before = re.compile(rf"\b(?i:an?|the)\s+{_MODS}(?i:{_PLACE_NOUN})\s+(?:of|at|in|called)\s+{named}\Z")
        after = re.compile(rf"{named},\s+(?i:an?|the)\s+{_MODS}(?i:{_PLACE_NOUN})\b")
        first = _CAPITALISED.match(name)
        if first is not None:
            by_first.setdefault(first.group(0), []).append((setting.id, name, before, after))
    found: list[tuple[int, int, str, re.Match]] = []
    if by_head:
        heads = re.compile(r"\b(?:" + "|".join(re.escape(h) for h in sorted(by_head, key=len, reverse=True)) + r")\b", re.IGNORECASE)
        for occurrence in heads.finditer(text):
            for order, (setting_id, before) in enumerate(by_head[occurrence.group(0).lower()]):
                match = before.search(text, max(0, occurrence.start() - _WINDOW), occurrence.end())
                if match:
                    found.append((occurrence.start(), order, setting_id, match))
    for word in _CAPITALISED.finditer(text) if by_first else ():
        for order, (setting_id, name, before, after) in enumerate(by_first.get(word.group(0), ())):
            end = word.start() + len(name)
            if not text.startswith(name, word.start()) or (end < len(text) and (text[end].isalnum() or text[end] == "_")):
                continue
            match = before.search(text, max(0, word.start() - _WINDOW), end)
            if match:
                found.append((word.start(), order, setting_id, match))
            match = after.match(text, word.start(), min(len(text), end + _WINDOW))
            if match:
                found.append((word.start(), order, setting_id, match))
    found.sort(key=lambda f: (f[0], f[1]))
    for _, _, setting_id, match in found:
        yield setting_id, match


_CAPITALISED = re.compile(r"(?<![\w])[A-Z][\w'\u2019-]*")


# --- animals ------------------------------------------------------------------------------------------------

_ANIMAL = rf"(?P<mods>(?:[a-z-]+,?\s+){{0,3}}?)(?P<noun>{alternation(sorted(ANIMAL_NOUNS))})\b(?![-'’])"
_OWNER = r"(?:the|a|an|his|her|their|its|[A-Z][\w-]*['’]s|the\s+[a-z-]+['’]s)"
# a child known only by what people call them: "the boy everyone called Wren", "a girl named Pim"
_YOUNG = r"(?P<mods>(?:[a-z-]+\s+){0,2}?)(?P<noun>boy|girl|lad|lass|child)"
_CALLERS = r"(?:(?:whom\s+)?(?:everyone|everybody|they|people|we|all)\s+)?"


def find_animals(text: str, characters: Iterable[Character]) -> dict[str, str]:
    """The animal a named character is, when the book says so ("Bosun, the ferryman's old brown dog,", "a
    parrot called Fig", "Fig was a green parrot"), or the child ("the boy everyone called Wren"): character id
    -> "an old brown dog", "a boy". One pass over the text for each way of saying it, all names at once."""
    owner: dict[str, str] = {}  # a name -> the character it names
    for character in characters:
        names = {n for n in (character.name, *character.aliases) if n[:1].isupper()}
        if not any(n.split()[0].rstrip(".") in HONORIFICS for n in names):  # "Mr. Marden, the old fox": a man
            owner.update((n, character.id) for n in names)
    if not owner:
        return {}
    name = rf"\b(?P<name>{'|'.join(re.escape(n) for n in sorted(owner, key=len, reverse=True))})\b"
    patterns = (rf"{name},\s+{_OWNER}\s+{_ANIMAL}", rf"{name}\s+(?:was|is)\s+(?:an?|the)\s+{_ANIMAL}",
                rf"\b(?i:an?|the|his|her|their)\s+{_ANIMAL}\s+(?:called|named)\s+{name}",
                rf"\b(?i:an?|the)\s+{_YOUNG}\s+{_CALLERS}(?:called|named)\s+{name}")
    first: dict[str, re.Match] = {}  # character id -> the book's first word on what it is
    for pattern in patterns:
        for match in re.finditer(pattern, text):
            who = owner[match.group("name")]
            if who not in first or match.start() < first[who].start():
                first[who] = match
    found = {}
    for who, match in first.items():
        words = " ".join([*match.group("mods").replace(",", " ").split(), match.group("noun")])
        found[who] = f"{'an' if words[0] in 'aeiou' else 'a'} {words}"
    return found
