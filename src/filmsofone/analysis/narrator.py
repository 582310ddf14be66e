"""NarratorFinder: a first-person narrator becomes a character (named when the book names them).

A book is told in the first person when "I", "me", "my" are frequent in its narration (outside quotations)
and spread through it (not gathered in one stretch), so letters or a diary quoted in a
third-person book do not make it first-person. The narrator takes the name the book gives them:
- a name the narration gives itself ("my name is Wren", "I called myself Wren", "call me Tobias"), a diary's
  heading ("Tobias Wren's Journal") or a letter's signature ("Yours ever, Hetty");
- a name the narrator's own lines give ('"I am Mr. Ruddock," said I');
- the name others address the narrator by, in the lines next to one of the narrator's ("said I") and not
  used for the same person in the narration ("my dear Pellow"; a man the narration speaks of is not the
  narrator, however often he is addressed near the narrator's lines);
- the character named in quotations far more often than in the narration (others call Pellow by name; he
  calls himself "I"; a letter set in the narration, "Dear Mr. Pellow,", counts as neither).
Without a name the character is "the narrator".
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from ..lexicon import ABBREVIATED_TITLES, SPEECH_VERBS, SURNAME_PARTICLES, alternation
from .characters import CharacterCluster
from .names import NOT_NAMES
from .text import paragraphs

_HEADING_WORDS = ("CHAPTER", "Chapter", "BOOK", "Book", "PART", "Part", "VOLUME", "Volume", "LETTER", "Letter")
_NOT_A_HEADING_NUMBER = "".join(rf"(?<!{word}\s)" for word in _HEADING_WORDS)  # "CHAPTER I." is not "I"
_FIRST_PERSON = re.compile(rf"{_NOT_A_HEADING_NUMBER}\b(?:I|me|my|myself)\b")
_MIN_RATE = 0.012  # first-person words per narration word
_MIN_SPREAD = 0.25  # the share of the narration the middle 80% of first-person words must cover
_WORD = re.compile(r"\S+")
_WORD_OF_NAME = r"(?:Ma?c|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)*"  # "Pellow", "Brook-Tarrant", "MacAdoo", "O'Dare"
_PARTICLES = rf"(?:(?:{alternation(p for p in SURNAME_PARTICLES if p.isalpha())})\s+){{0,2}}"  # "van der Hoek"
_NAME = (rf"(?P<name>(?:(?:{alternation((*ABBREVIATED_TITLES, 'Miss'))})\.?\s+)?{_PARTICLES}{_WORD_OF_NAME}"
         rf"(?:\s+{_PARTICLES}[A-Z][a-zA-Z]+(?:-[A-Z][a-zA-Z]+)*)?)")
_SELF_NAMING = re.compile(
    rf"\b(?:[Mm]y name (?:is|was)|I (?:am|was) called|called myself|[Cc]all me|I am|I'm|I, )\s+{_NAME}(?![a-z])"
)
_CAPS_NAME = r"(?P<name>[A-Z][A-Za-z]+(?:-[A-Z][A-Za-z]+)*(?:\s+[A-Z][A-Za-z]+(?:-[A-Z][A-Za-z]+)*)?)"
_DIARY = re.compile(rf"\b{_CAPS_NAME}['’][sS]\s+(?:JOURNAL|DIARY|Journal|Diary)\b")  # "OSRIC PELLOW'S JOURNAL"
_TITLE = rf"(?i:(?:{alternation((*ABBREVIATED_TITLES, 'Miss'))})\.?\s+)"  # "Dr. ", "DR. ", "Miss "
_HEADED = re.compile(  # a section's heading that names its writer: "TAMSIN ORME'S JOURNAL.", "Letter, Miss Nell Pellow to ..."
    rf"[\W_]*(?:{_TITLE}?{_CAPS_NAME}['’][sS]\s+(?:JOURNAL|DIARY|Journal|Diary)"
    rf"|(?:LETTER|Letter)(?:,|\s+(?:FROM|from))\s+{_TITLE}?{_CAPS_NAME.replace('?P<name>', '?P<sender>')}\s+(?:TO|to)\s)"
)
_SALUTATION = re.compile(r"[_*\s]*(?:(?:My|MY)\s+)?(?:[Dd]ear(?:est)?|DEAR(?:EST)?)\s+(?:[A-Z][\w'.-]*\s*){1,4}[,:!—-]")
_VALEDICTION = (r"(?:Yours|YOURS|Ever\s+yours|Your\s+(?:[a-z]+\s+){0,3}[a-z]+|Believe\s+me|Sincerely|Faithfully|"
                r"Affectionately|With\s+love|Love)\b[^\n.!?]{0,40}")  # "Yours ever", "Your loving brother"
_SIGNER = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}\.?"  # "Osric.", "Amos Quill", "N. P."
_SIGNED = re.compile(rf"{_VALEDICTION},?\s*{_SIGNER}")  # a whole paragraph: "Your loving father,\nAmos Quill"
_SIGNED_AT_END = re.compile(rf"[.!?]\s+{_VALEDICTION},\s*{_SIGNER}$")  # the end of a letter in one paragraph
_VALEDICTION_ALONE = re.compile(rf"{_VALEDICTION},")  # a whole paragraph, the signature in the next one
LETTER_PARAGRAPHS = 15  # a salutation with no signature within this many paragraphs opens no letter
_SIGNATURE_LENGTH = 40  # characters: a short paragraph after a valediction standing alone is the signature
_HEADING_LENGTH = 100  # characters: a heading is a short paragraph of its own
_SIGNATURE = re.compile(  # a letter's signature ("Yours ever, SALLIE.")
    rf"\b(?:[Yy]ours|[Aa]ffectionately|[Ss]incerely|[Ff]aithfully)(?:\s+[a-z]+){{0,3}}[,.]?\s+{_CAPS_NAME}\b"
)
_SPEECH_VERBS = alternation(SPEECH_VERBS)
_I_TAG = re.compile(rf"[\s,;—–-]*(?:{_SPEECH_VERBS})\s+I\b|[\s,;—–-]*I\s+(?:{_SPEECH_VERBS})\b")
_I_TAG_BEFORE = re.compile(rf"\bI\s+(?:{_SPEECH_VERBS})[,:]?\s*[“\"‘']?\s*$")
_VOCATIVE = re.compile(rf"(?:^|[,!?.]\s+|\b(?:dear|my)\s+){_NAME}\s*[,!?.]|,\s*{_NAME.replace('?P<name>', '?P<end>')}\s*[!?.,]?\s*$")


class NarratorFinder:
    """`find(text, start, end, characters, quote_spans) -> characters` with the narrator marked (or added)."""

    def find(self, text: str, start: int, end: int, characters: list[CharacterCluster], quote_spans) -> list[CharacterCluster]:
        narration = _narration(text, start, end, quote_spans)
        letters = letter_spans(text, start, end)
        told = _narration_outside_letters(text, start, end, quote_spans, narration, letters)
        if not is_first_person(told):
            return characters
        sections = writer_sections(text, start, end)
        if len({name.lower() for _, _, name in sections}) >= 2:
            return _writers(characters, sections)
        votes = self._names(text, narration, characters, sorted(quote_spans), letters)
        for name in [n for n in votes.addressed if votes[n] <= votes.heard[n] and _in_narration(votes.originals[n], told)]:
            del votes[name]  # only ever addressed near the narrator's lines, and someone the narration speaks of
        owner = {alias.lower(): c for c in characters for alias in c.aliases if alias != "the narrator"}
        lower_words = {m.group() for m in re.finditer(r"\b[a-z]+\b", text[start:end])}
        for name, n in votes.most_common():
            if any(w in lower_words or w in NOT_NAMES for w in name.split()):
                continue  # a common word ("I am Seven", "Yours as ever, Entirely frivolous", "'Ah!' I said")
            if n < 2:
                break
            words = name.split()
            cluster = owner.get(name) or (owner.get(words[0]) if len(words) > 1 else None)
            if cluster is not None:
                cluster.narrator = True
                cluster.aliases.add("I")
                return _joined_with_titled_surname(characters, cluster)
            if (n >= 3 and name in votes.strong) or (name in votes.addressed and not _in_narration(votes.originals[name], narration)):
                # named only by themselves, or addressed by a name the narration never uses: a character of their own
                display = " ".join(_unshouted(w) for w in votes.originals[name].split())
                titled = _titled_surname(characters, display)
                if titled is not None:  # "My name is Osric Tolley" ... "You row well, Mr. Tolley"
                    titled.name, titled.narrator = display, True
                    titled.aliases |= {display, "I"}
                    return characters
                narrator = CharacterCluster(name=display, aliases={display, "I"}, narrator=True, id=f"c{len(characters) + 1}")
                return [*characters, narrator]
        narrator = CharacterCluster(name="the narrator", aliases={"the narrator"}, narrator=True, id=f"c{len(characters) + 1}")
        return [*characters, narrator]

    def _names(self, text: str, narration: str, characters: list[CharacterCluster], spans, letters) -> _Votes:
        """Votes for the narrator's name (lower case), from the evidence the module docstring lists (a name in
        a letter set in the narration counts neither as said in a quotation nor as the narration's)."""
        votes = _Votes()
        vote = votes.add
        for match in [*_SELF_NAMING.finditer(narration), *_DIARY.finditer(narration), *_SIGNATURE.finditer(narration)]:
            vote(match.group("name"), 3, strong=not match.group(0).startswith(("I am", "I'm")))
        starts, letter_starts = [s for s, _ in spans], [s for s, _ in letters]
        narrator_lines: list[int] = []  # where the narrator's own lines are
        for k, (s, e) in enumerate(spans):
            if not (_I_TAG.match(text, e + 1, min(len(text), e + 40)) or _I_TAG_BEFORE.search(text, max(0, s - 30), s)):
                continue
            narrator_lines.append(s)
            for match in _SELF_NAMING.finditer(text, s, e):  # '"I am Mr. Ruddock," said I'
                vote(match.group("name"), 3)
            if re.fullmatch(rf"\s*{_NAME}[.!]?\s*", text[s:e]) and k and spans[k - 1][1] > s - 40:  # '"Yes," I said, "Tobias Wren."'
                vote(text[s:e].strip(" .!"), 3, strong=True)
            for other in spans[max(0, k - 2) : k] + spans[k + 1 : k + 3]:  # the lines around it address the narrator
                for match in _VOCATIVE.finditer(text, *other):
                    vote(match.group("name") or match.group("end"), 1, addressed=True)
        for cluster in characters:
            in_quotes = sum(1 for s, _ in cluster.mentions if _inside(starts, spans, s))
            outside = len(cluster.mentions) - in_quotes - sum(1 for s, _ in cluster.mentions if _inside(letter_starts, letters, s))
            named = [a.lower() for a in cluster.aliases if a.lower() in votes]
            addressed = in_quotes >= 2 and not outside and any(
                _addressed(text, s, e) and _near(narrator_lines, s) for s, e in cluster.mentions)
            if (in_quotes >= 5 and in_quotes / (outside + 1) >= 3) or addressed:
                vote(cluster.name, 2)  # others call the narrator by name, the narration says "I"
            elif named and outside > in_quotes + 2 and not any(votes[a] >= 3 for a in named):
                for alias in named:  # named in the narration as someone else ("Osric said")
                    del votes[alias]
        for name in [n for n in votes if _tagged_by_name(text, votes.originals[n])]:
            del votes[name]  # '"Three years," said Hollis': the narrator's lines are tagged "I said"
        return votes


def writer_sections(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, writer's name) of each section a heading gives to its writer ("OSRIC PELLOW'S DIARY.",
    "Letter, Miss Tamsin Orme to Mr. Pellow."), each running to the next heading or the end."""
    headings = []
    for para in paragraphs(text, start, end):
        if para.end - para.start <= _HEADING_LENGTH:
            match = _HEADED.match(text, para.start, para.end)
            if match:
                name = match.group("name") or match.group("sender")
                headings.append((para.start, " ".join(_unshouted(w) for w in name.split())))
    return [(at, headings[k + 1][0] if k + 1 < len(headings) else end, name) for k, (at, name) in enumerate(headings)]


def _writers(characters: list[CharacterCluster], sections: list[tuple[int, int, str]]) -> list[CharacterCluster]:
    """Each writer of a book in several hands a narrator character, "I" in the sections they head."""
    owner = {alias.lower(): c for c in characters for alias in c.aliases | {c.name}}
    characters = list(characters)
    for s, e, name in sections:
        cluster = owner.get(name.lower()) or _titled_surname(characters, name)
        if cluster is None:
            cluster = CharacterCluster(name=name, aliases={name}, id=f"c{len(characters) + 1}")
            characters.append(cluster)
            owner[name.lower()] = cluster
        cluster.narrator = True
        cluster.aliases.add("I")
        cluster.narrates.append((s, e))
    return characters


def _joined_with_titled_surname(characters: list[CharacterCluster], narrator: CharacterCluster) -> list[CharacterCluster]:
    """The characters with the one "Mr. Tolley" that others call the narrator "Osric Tolley" joined to the narrator
    (ids numbered again, as the characters were numbered before)."""
    titled = _titled_surname([c for c in characters if c is not narrator], narrator.name)
    if titled is None:
        return characters
    narrator.aliases |= titled.aliases
    narrator.mentions = sorted(narrator.mentions + titled.mentions)
    if narrator.gender == "unknown":
        narrator.gender = titled.gender
    kept = [c for c in characters if c is not titled]
    for number, cluster in enumerate(kept, 1):
        cluster.id = f"c{number}"
    return kept


def _titled_surname(characters: list[CharacterCluster], name: str) -> CharacterCluster | None:
    """The one character known only by a title and the surname of the narrator's full name ("Mr. Tolley" for
    "Osric Tolley"): others' name for the narrator."""
    words = name.split()
    if len(words) < 2:
        return None
    found = [c for c in characters if c.last == words[-1].lower() and c.first is None and c.title]
    return found[0] if len(found) == 1 else None


_CONVERSATION = 2000  # characters: a name addressed this near a line of the narrator's may be the narrator's


def _near(positions: list[int], position: int) -> bool:
    i = bisect.bisect_left(positions, position)
    return any(0 <= j < len(positions) and abs(positions[j] - position) <= _CONVERSATION for j in (i - 1, i))


def _addressed(text: str, start: int, end: int) -> bool:
    """Is the name at text[start:end] addressed ("..., Osric, for", "Mr. Ruddock, your new tenant")?"""
    before = text[max(0, start - 4) : start]
    return bool(re.search(r"(?:[,;!?—“‘\"']|^)\s*$", before) and re.match(r"\s*[,!?]", text[end : end + 3]))


def _tagged_by_name(text: str, name: str) -> bool:
    """Is `name` the subject of a speech tag after a quotation ('" said Hollis', '" Hollis replied')?"""
    written = r"[ \t\n]+".join(map(re.escape, name.split()))
    return re.search(rf"[”’\"'][ \t\n]*,?[ \t\n]*(?:(?:{_SPEECH_VERBS})[ \t\n]+{written}|{written}[ \t\n]+(?:{_SPEECH_VERBS}))\b", text) is not None


def _in_narration(name: str, narration: str) -> bool:
    """Does the narration (outside quotations) write this name, so that it is someone the narrator speaks of?"""
    written = r"\s+".join(map(re.escape, name.split()))
    return re.search(rf"(?<!\w){written}(?!\w)", narration) is not None


def _unshouted(word: str) -> str:
    """A name written in capitals as a name is written: "HETTY" -> "Hetty", "McALLISTER" -> "McAllister"."""
    if "-" in word:  # "NALEY-FOTERY" -> "Naley-Fotery"
        return "-".join(_unshouted(part) for part in word.split("-"))
    if len(word) > 3 and word[2:].isupper():
        return word[:2] + word[2:].capitalize() if word[:2] == "Mc" else word.capitalize()
    return word


class _Votes(Counter):
    """Votes for the narrator's name (lower case), with each name as written and which names the book gives
    the narrator outright (enough to make a character of a name no one else uses)."""

    def __init__(self):
        super().__init__()
        self.originals: dict[str, str] = {}
        self.strong: set[str] = set()
        self.addressed: set[str] = set()  # names others address the narrator by, next to the narrator's lines
        self.heard: Counter = Counter()  # the votes each name has from being addressed so

    def add(self, name: str, weight: int, strong: bool = False, addressed: bool = False) -> None:
        key = " ".join(name.lower().split())
        self[key] += weight
        self.originals.setdefault(key, " ".join(name.split()))
        if strong:
            self.strong.add(key)
        if addressed:
            self.addressed.add(key)
            self.heard[key] += weight


def letter_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The letters written out in the narration: from a paragraph opening with a salutation ("My dear Tamsin,")
    to the paragraph that signs it ("Your loving brother, / Osric."), at most LETTER_PARAGRAPHS further; or one
    paragraph that opens with the salutation and ends signed. A salutation never signed opens nothing (an
    unsigned "Dear X," swallows no narration), and a body sentence such as "Your father would not speak of it"
    signs nothing (the signature is a whole paragraph, or a valediction, a comma and a name ending one)."""
    paras = paragraphs(text, start, end)
    spans, k = [], 0
    while k < len(paras):
        last = _signed(text, paras, k) if _SALUTATION.match(text, paras[k].start, paras[k].end) else None
        if last is None:
            k += 1
            continue
        spans.append((paras[k].start, paras[last].end))
        k = last + 1
    return spans


def _signed(text: str, paras, first: int) -> int | None:
    """The index of the paragraph that signs the letter opening at paragraph `first`, or None."""
    if _SIGNED_AT_END.search(text, paras[first].start, paras[first].end):
        return first
    for k in range(first + 1, min(len(paras), first + LETTER_PARAGRAPHS + 1)):
        if _SIGNED.fullmatch(text, paras[k].start, paras[k].end):
            return k
        following = paras[k + 1] if k + 1 < len(paras) else None
        if following and _VALEDICTION_ALONE.fullmatch(text, paras[k].start, paras[k].end) and \
                following.end - following.start <= _SIGNATURE_LENGTH:
            return k + 1
    return None


def _narration_outside_letters(text: str, start: int, end: int, quote_spans, narration: str, letters) -> str:
    """The narration without the letters set in it, which say "I" for their writers, not for a narrator; a book
    that is mostly letters (an epistolary novel) is its letters."""
    outside = _narration(text, start, end, [*quote_spans, *letters])
    return outside if len(outside) >= len(narration) / 2 else narration


def is_first_person(narration: str) -> bool:
    """Is this narration told by an "I": first-person words frequent overall, and spread through it (the
    middle 80% of them cover a quarter of the narration at least, where a quoted letter is one short stretch)?"""
    words = sum(1 for _ in _WORD.finditer(narration))  # counted, not listed: a long book has millions
    hits = [m.start() for m in _FIRST_PERSON.finditer(narration)]
    if not words or len(hits) / words < _MIN_RATE:
        return False
    low, high = hits[len(hits) // 10], hits[(len(hits) * 9) // 10 - (1 if len(hits) % 10 == 0 else 0)]
    return (high - low) >= _MIN_SPREAD * len(narration)


def _narration(text: str, start: int, end: int, quote_spans) -> str:
    pieces, cursor = [], start
    for s, e in sorted(quote_spans):
        if s > cursor:
            pieces.append(text[cursor:s])
        cursor = max(cursor, e)
    pieces.append(text[cursor:end])
    return " ".join(pieces)


def _inside(starts, spans, position: int) -> bool:
    i = bisect.bisect_right(starts, position) - 1
    return i >= 0 and spans[i][0] <= position < spans[i][1]
