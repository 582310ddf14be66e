"""Write a copy of the development corpus in which every character's name is an invented one: a robustness test.

    .venv/bin/python bench/renamed_corpus.py ../shared/corpus --out /work/runs/c-rename/corpus [--seed 15]
        [--kinds invented,rare,particle,mac,hyphen] [--only NAME ...]

The analysis was tuned on these books, and its recogniser knows their names. A novel
it has never seen brings names it knows less well: invented ones, surnames with particles ("van der Voort",
"de Mornay", "du Plessis", "von Aschau"), Mac/Mc names, hyphenated names. This script writes the same books
(same layout as the corpus, so every bench script runs on the copy unchanged) with each name token of the
gold character lists (first names, surnames, nicknames; titles and common words are kept) replaced, book by
book, by an invented name of the same shape:

- first names (and single names) by an invented or a rarely used real first name of the gold gender; a
  nickname of the same person by a pet form of that person's new first name;
- surnames by a surname of one of the kinds: `invented` (plain invented), `rare` (real but seldom seen),
  `particle` (van / van der / de / de la / du / von + a stem), `mac` (Mac- / Mc- + a stem), `hyphen`
  (two stems joined by a hyphen); first names use `invented` and `rare` only.

Each occurrence keeps its case (QUILL -> upper case, a particle name opening a sentence takes a capital: "Van
der Voort"), possessives stay ("Quill's" -> "van der Voort's"), and a token inside a longer word is never
touched. Every gold offset is remapped exactly (PDNC quotation spans and mention spans; LitBank token indices of
mentions and quotations, and the entity rows), the gold strings (speakers, addressees, aliases, quotation
texts, mention texts, LitBank entity ids) are renamed with the same table, and the script checks that every
gold quotation's renamed text equals the renamed book's text at its new offsets; a failure stops it (exit 1).
The name table of each book is written beside it as `renamed_names.json` (original token -> new name).

The copy must live outside the repository (it holds the corpus's text): `--out` inside it is refused.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import csv
import json
import random
import re
import shutil
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from filmsofone.analysis.names import FEMALE_NAMES, HYPOCORISTICS, MALE_NAMES

KINDS = ("invented", "rare", "particle", "mac", "hyphen")
FIRST_NAME_KINDS = ("invented", "rare")

# words that stand before or inside a name without being one
TITLES = frozenset("""mr mrs miss ms mister master madam madame mme mlle mademoiselle monsieur sir lady lord dr doctor
    professor prof rev reverend captain capt colonel col general major lieutenant sergeant inspector constable
    judge king queen prince princess duke duchess earl count countess baron baroness marquis marquess viscount
    aunt uncle cousin father mother brother sister grandmother grandfather granny grandpa mamma papa mama
    saint st old young little big late dear my the a an of and her his signor signora herr frau fraulein dame
    mistress goodman goodwife""".split())
DETERMINERS = ("the ", "a ", "an ", "her ", "his ", "my ", "their ", "our ")

FEMALE_RARE = ("Evadne Ottilie Perpetua Thomasina Zillah Keziah Tryphena Araminta Ismay Lettice Wilhelmina "
               "Drusilla Hepzibah Philippa Clemency Sabra Orpah Jerusha Temperance Loveday Tamsin Ysolde "
               "Berenice Dulcibella Morwenna Petronella").split()
MALE_RARE = ("Ephraim Lemuel Obadiah Peregrine Absalom Hezekiah Barnabas Ignatius Caspar Ambrose Jethro "
             "Zebedee Cuthbert Lancelot Erasmus Ptolemy Gamaliel Ezekiel Crispin Leofric Tristram Anselm "
             "Cornelius Sylvanus Marmaduke").split()
SURNAME_RARE = ("Quennell Tresidder Penhaligon Ravenscroft Ollerenshaw Scattergood Haverfield Cornforth "
                "Winterbottom Gotobed Pennyfeather Stallybrass Threlfall Mountjoy Culpepper Throckmorton "
                "Fettiplace Heathcote Loveridge Pendarves Attwater Bulstrode Catesby Dimmock Inchbald").split()
PARTICLES = ("van", "van der", "de", "de la", "du", "von", "van den", "di")

ONSETS = ("b br c ch cl d dr f fl g gr h j k l m n p pr r s sh st t th tr v w z").split()
SIMPLE_ONSETS = ("b d f g l m n p r s t v").split()
VOWELS = ("a e i o u a e i o ai ea ou").split()
CODAS = ("", "", "l", "n", "r", "s", "m")
FEMALE_ENDINGS = ("a", "ina", "ette", "elle", "ia", "ine", "ora", "issa")
MALE_ENDINGS = ("an", "ric", "old", "as", "en", "ert", "us", "ard", "on")
SURNAME_ENDINGS = ("wick", "by", "ton", "more", "ley", "ard", "stead", "man", "ridge", "well", "holt", "ery", "ace")


class RenameError(Exception):
    """A renamed book whose gold does not match its text any more."""


# --- names --------------------------------------------------------------------------------------------


@dataclass
class NameToken:
    """One name token of the gold list: its role (first / surname / nickname), gender, and whose first name a
    nickname shortens."""

    token: str
    role: str
    gender: str = "U"
    nickname_of: str | None = None


class NameGenerator:
    """Invented names, seeded: `first(gender)`, `surname()`, `nickname(first)`; never one already used or
    one of `avoid` (lower case words of the book)."""

    def __init__(self, seed: int | str, kinds: tuple[str, ...] = KINDS, avoid: set[str] | None = None):
        self.random = random.Random(seed)
        self.kinds = kinds
        self.first_kinds = tuple(k for k in kinds if k in FIRST_NAME_KINDS) or ("invented",)
        self.avoid = set(avoid or ())
        self.used: set[str] = set()

    def _fresh(self, make) -> str:
        for _ in range(500):
            name = make()
            words = {w.lower() for w in re.split(r"[\s-]+", name)}
            key = name.lower()
            stems = words - {p for particle in PARTICLES for p in particle.split()}
            if key not in self.used and not (stems & self.avoid) and all(len(w) >= 3 for w in stems):
                self.used.add(key)
                return name
        raise RenameError("the name generator ran out of fresh names")

    def _stem(self, ending: tuple[str, ...] = ()) -> str:
        stem = ""
        while len(stem) < 4:
            stem = self._syllables(ending)
        return stem

    def _syllables(self, ending: tuple[str, ...]) -> str:
        r = self.random
        syllables = r.choice(ONSETS) + r.choice(VOWELS)
        if r.random() < 0.5 or not ending:
            syllables += r.choice(CODAS) if r.random() < 0.5 else r.choice(SIMPLE_ONSETS) + r.choice(VOWELS)
        if ending:
            suffix = r.choice(ending)
            if suffix[0] in "aeiou":
                syllables = syllables.rstrip("aeiou") or syllables
            elif syllables[-1] not in "aeiou":
                syllables = syllables[:-1] if syllables[-2] not in "aeiou" else syllables
            syllables += suffix
        return syllables.capitalize()

    def first(self, gender: str) -> str:
        kind = self.random.choice(self.first_kinds)
        female = gender == "F" or (gender not in ("M", "F") and self.random.random() < 0.5)
        if kind == "rare":
            return self._fresh(lambda: self.random.choice(FEMALE_RARE if female else MALE_RARE))
        return self._fresh(lambda: self._stem(FEMALE_ENDINGS if female else MALE_ENDINGS))

    def surname(self) -> str:
        kind = self.random.choice(self.kinds)
        r = self.random
        makers = {
            "invented": lambda: self._stem(SURNAME_ENDINGS),
            "rare": lambda: r.choice(SURNAME_RARE),
            "particle": lambda: f"{r.choice(PARTICLES)} {self._stem(SURNAME_ENDINGS if r.random() < 0.5 else ())}",
            "mac": lambda: r.choice(("Mac", "Mc")) + self._stem(SURNAME_ENDINGS if r.random() < 0.3 else ()),
            "hyphen": lambda: f"{self._stem(SURNAME_ENDINGS)}-{self._stem(SURNAME_ENDINGS)}",
        }
        return self._fresh(makers[kind])

    def nickname(self, first: str) -> str:
        """A pet form of an invented first name ("Talvera" -> "Tally" / "Talie")."""
        base = first.split()[0]
        stem = re.sub(r"[aeiou]+$", "", base[:4]) or base[:3]
        return self._fresh(lambda: stem + self.random.choice(("y", "ie", "o", "s")))


def name_table(tokens: list[NameToken], generator: NameGenerator) -> dict[str, str]:
    """Original token -> invented name (nicknames after the first names they shorten)."""
    table: dict[str, str] = {}
    for t in sorted(tokens, key=lambda t: (t.role == "nickname", t.token)):
        if t.role == "surname":
            table[t.token] = generator.surname()
        elif t.role == "nickname" and t.nickname_of in table:
            table[t.token] = generator.nickname(table[t.nickname_of])
        else:
            table[t.token] = generator.first(t.gender)
    return table


def name_tokens(people: list[tuple[list[str], str]], text: str) -> list[NameToken]:
    """The name tokens of a gold character list: `people` is (names and aliases, gender) per character.
    Descriptions ("The Tinker", "her sister"), titles, initials and words the book mostly writes in lower case
    (so common words: "Heron" when "heron" is frequent) are not names."""
    lower_counts = Counter(re.findall(r"(?<![\w’'])[a-z][\w’'-]*", text))
    capital_counts = Counter(re.findall(r"(?<![\w’'])[A-Z][\w’'-]*", text))
    written = _usual_forms(capital_counts)
    roles: dict[str, Counter] = defaultdict(Counter)
    gender_of: dict[str, Counter] = defaultdict(Counter)
    firsts_of_person: list[tuple[set[str], set[str]]] = []
    for names, gender in people:
        person_tokens: set[str] = set()
        person_firsts: set[str] = set()
        for name in sorted(set(names)):
            name = re.split(r",| of | Of ", name)[0].strip()  # "Ned, the Ferryman", "Lord X of Y": the name
            if not name or name.lower().startswith(DETERMINERS):
                continue
            words = [re.sub(r"[’']S?$", "", w, flags=re.I) for w in name.replace(".", ". ").split()]
            title = words[0].rstrip(".").lower() if words and words[0].rstrip(".").lower() in TITLES else None
            kept = [_as_written(w.rstrip("."), written) for w in words if _is_name_word(w, lower_counts, capital_counts)]
            for i, w in enumerate(kept):
                person_tokens.add(w)
                if len(kept) > 1:
                    role, weight = ("surname" if i == len(kept) - 1 else "first"), 1.0
                elif title:
                    role, weight = ("surname", 1.0) if _surname_title(title) else ("surname", 0.5)
                else:
                    role, weight = "first", 0.5
                roles[w][role] += weight
                if role == "first":
                    person_firsts.add(w)
                    gender_of[w][gender] += 1
        firsts_of_person.append((person_tokens, person_firsts))
    result = []
    for token, counts in roles.items():
        if _mostly_after_the(token, text):
            continue  # "the Heron", "the Grey Heron": a description written like a name, not a name
        role = "surname" if counts["surname"] > counts["first"] else "first"
        gender = gender_of[token].most_common(1)[0][0] if gender_of[token] else "U"
        if gender not in ("M", "F"):  # the gold does not say: the name's usual sex, when it is a known one
            gender = "M" if token.lower() in MALE_NAMES else "F" if token.lower() in FEMALE_NAMES else gender
        nickname_of = None
        if role == "first":
            nickname_of = _shortened(token, firsts_of_person)
        result.append(NameToken(token, "nickname" if nickname_of else role, gender, nickname_of))
    return sorted(result, key=lambda t: t.token)


def _is_shouted(token: str) -> bool:
    """Written in capitals: "PELLOW", or "McADOO" (a Mac name's prefix keeps its case)."""
    return len(token) > 1 and (token.isupper() or (token[:2] == "Mc" and len(token) > 3 and token[2:].isupper()))


def _shouted_forms(name: str) -> set[str]:
    """The ways a name is written in capitals: "PELLOW"; "MCADOO" and "McADOO" for "McAdoo"."""
    forms = {name.upper()}
    if re.match(r"Ma?c[A-Z]", name):
        forms.add(name[:2] + name[2:].upper())
    return forms


def _usual_forms(capital_counts: Counter) -> dict[str, str]:
    """Lower case -> the form a capitalised word is usually written in, not all capitals ("Pellow" for
    "PELLOW", "McAdoo" for "McADOO")."""
    forms: dict[str, str] = {}
    for word, _n in capital_counts.most_common():
        if not _is_shouted(word):
            forms.setdefault(word.lower(), word)
    return forms


def _as_written(word: str, forms: dict[str, str]) -> str:
    """A name written in capitals (a heading's "PELLOW", a signature's "McADOO") as the text usually writes
    it, so that it takes the same invented name as its other uses."""
    return forms.get(word.lower(), word) if _is_shouted(word) else word


def _mostly_after_the(token: str, text: str) -> bool:
    uses = [m.start() for m in re.finditer(rf"(?<![\w’'-]){re.escape(token)}(?![\w])", text)]
    after_the = sum(bool(re.search(r"\b[Tt]he\s+(?:[A-Z][\w-]*\s+)?$", text[max(0, p - 30) : p])) for p in uses)
    return bool(uses) and after_the * 2 >= len(uses)


def _surname_title(word: str) -> bool:
    """Titles followed by a surname only (not "Miss", "Lady", "Sir", which also take first names)."""
    return word.rstrip(".").lower() in {"mr", "mrs", "ms", "mister", "dr", "doctor", "captain", "colonel",
                                       "inspector", "professor", "sergeant", "constable", "judge", "general"}


def _is_name_word(word: str, lower_counts: Counter, capital_counts: Counter) -> bool:
    bare = word.rstrip(".")
    if len(bare) < 3 or not bare[0].isupper() or bare.lower() in TITLES or not re.fullmatch(r"[A-Z][\w’'-]*", bare):
        return False
    if bare.isupper() and len(bare) > 1 and capital_counts[bare.capitalize()] > 0:
        bare = bare.capitalize()
    return lower_counts[bare.lower()] * 4 <= capital_counts[bare]


def _shortened(token: str, persons: list[tuple[set[str], set[str]]]) -> str | None:
    """The longer first name of the same person this token is a pet form of: a known one ("Lizzy", "Eliza" of
    "Elizabeth"), or a short token (at most four letters, or ending like a pet name) beginning with the same two
    letters; else None."""
    formal = HYPOCORISTICS.get(token.lower())
    short = len(token) <= 4 or token.endswith(("y", "ie"))
    for tokens, firsts in persons:
        if token not in tokens:
            continue
        for first in sorted(firsts):
            if first == token:
                continue
            if formal is not None and first.lower() == formal:
                return first
            if short and len(first) > len(token) and first[:2].lower() == token[:2].lower():
                return first
    return None


# --- replacing and remapping ----------------------------------------------------------------------------


@dataclass
class Renamer:
    """Replaces the name tokens of `table` in a text and remaps offsets of the original text into the new one."""

    table: dict[str, str]
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    def pattern(self) -> re.Pattern:
        forms = sorted({f for t in self.table for f in (t, *_shouted_forms(t))}, key=len, reverse=True)
        return re.compile(r"(?<!\w)(?<!\w[’'-])(" + "|".join(map(re.escape, forms)) + r")(?!\w)(?!-\w)(?![’'](?!(?:s|d|ll|S|D|LL)\b)\w)")

    def rename(self, text: str, before: str = "") -> str:
        """`text` with its name tokens replaced (`before`: the text that precedes it, for sentence starts);
        the edits made are kept for `position`."""
        self.edits = []
        if not self.table:
            return text
        pieces, cursor = [], 0
        for match in self.pattern().finditer(text):
            token = match.group(1)
            original = token if token in self.table else token.capitalize()
            if original not in self.table:
                original = next(t for t in self.table if token in _shouted_forms(t))
            new = self.table[original]
            if _is_shouted(token):
                new = new.upper()
            elif new[0].islower() and _opens_sentence(_preceding(text, match.start(), before)):
                new = new[0].upper() + new[1:]
            pieces += [text[cursor:match.start()], new]
            self.edits.append((match.start(), match.end(), new))
            cursor = match.end()
        pieces.append(text[cursor:])
        self._starts = [s for s, _, _ in self.edits]
        self._shift = []
        total = 0
        for s, e, new in self.edits:
            total += len(new) - (e - s)
            self._shift.append(total)
        return "".join(pieces)

    def position(self, offset: int, end: bool = False) -> int:
        """Where `offset` of the original text is in the renamed one (an offset inside a replaced token goes to
        the start of its replacement, or its end when `end`)."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.edits[i][1] and offset > self.edits[i][0]:
            s, e, new = self.edits[i]
            before = self._shift[i - 1] if i else 0
            return s + before + (len(new) if end else 0)
        if i >= 0 and offset == self.edits[i][0]:  # the start of a replaced token
            return offset + (self._shift[i - 1] if i else 0)
        return offset + (self._shift[i] if i >= 0 else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.position(start), self.position(end, end=True)


def _preceding(text: str, start: int, before: str, width: int = 80) -> str:
    context = text[max(0, start - width) : start]
    return (before[-(width - start):] if start < width and before else "") + context


def _opens_sentence(before: str) -> bool:
    stripped = before.rstrip(" \t\"“‘'(")
    if re.search(r"(?<!\w)(?:Mr|Mrs|Ms|Dr|St|Messrs|Mme|Mlle|Rev|Capt|Col|Prof|[A-Z])\.$", stripped):
        return False  # "Mr. de Vere", "J. de Vere": an abbreviation, not a sentence's end
    return not stripped.strip() or stripped.endswith((".", "!", "?", "\n\n")) or before.rstrip(" \t").endswith(("“", '"', "\n\n"))


def rename_string(table: dict[str, str], text: str, before: str = "") -> str:
    return Renamer(table).rename(text, before)


# --- PDNC ---------------------------------------------------------------------------------------------


def rename_pdnc_novel(source: Path, target: Path, generator: NameGenerator) -> dict:
    """Write the renamed novel folder; return its name table and check counts."""
    text = (source / "novel_text.txt").read_text(encoding="utf-8")
    with open(source / "character_info.csv", encoding="utf-8") as f:
        characters = list(csv.DictReader(f))
    people = [([row["Main Name"], *_literal(row["Aliases"])], row["Gender"].strip()) for row in characters]
    generator.avoid |= {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    table = name_table(name_tokens(people, text), generator)
    renamer = Renamer(table)
    new_text = renamer.rename(text)
    target.mkdir(parents=True, exist_ok=True)
    (target / "novel_text.txt").write_text(new_text, encoding="utf-8")

    def names(value: str) -> str:
        return rename_string(table, value, before="x ")  # a name string is never a sentence start

    with open(source / "character_info.csv", encoding="utf-8") as f:
        header = next(csv.reader(f))
    rows = []
    for row in characters:
        aliases = _literal(row["Aliases"])
        renamed = type(aliases)(names(a) for a in aliases) if aliases else aliases
        rows.append({**row, "Main Name": names(row["Main Name"]), "Aliases": repr(renamed) if aliases else row["Aliases"]})
    _write_csv(target / "character_info.csv", header, rows)

    with open(source / "quotation_info.csv", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, quotes = reader.fieldnames, list(reader)
    checked, unmatched_source = 0, 0
    out_rows = []
    for row in quotes:
        spans = ast.literal_eval(row["quoteByteSpans"])
        subs = ast.literal_eval(row["subQuotationList"])
        new_spans = [list(renamer.span(s, e)) for s, e in spans]
        new_subs = [rename_string(table, sub, before=text[max(0, s - 200):s]) for sub, (s, e) in zip(subs, spans)]
        for sub, new_sub, (s, e), (ns, ne) in zip(subs, new_subs, spans, new_spans):
            if text[s:e] != sub:
                unmatched_source += 1
                continue
            if new_text[ns:ne] != new_sub:
                raise RenameError(f"{source.name} {row.get('quoteID')}: {new_sub[:60]!r} is not at [{ns}, {ne}] "
                                  f"({new_text[ns:ne][:60]!r})")
            checked += 1
        mention_spans = ast.literal_eval(row["mentionSpansList"] or "[]")
        out_rows.append({
            **row,
            "quoteText": " ".join(new_subs) if len(new_subs) > 1 else (new_subs[0] if new_subs else names(row["quoteText"])),
            "subQuotationList": repr(new_subs),
            "quoteByteSpans": repr(new_spans),
            "speaker": names(row["speaker"]),
            "addressees": _rename_literal(row["addressees"], names),
            "referringExpression": names(row["referringExpression"]),
            "mentionTextsList": _rename_literal(row["mentionTextsList"], names),
            "mentionSpansList": repr([[list(renamer.span(s, e)) for s, e in group] for group in mention_spans]),
            "mentionEntitiesList": _rename_literal(row["mentionEntitiesList"], names),
        })
    _write_csv(target / "quotation_info.csv", header, out_rows)
    (target / "renamed_names.json").write_text(json.dumps(table, indent=1, ensure_ascii=False), encoding="utf-8")
    return {"book": source.name, "names": len(table), "replaced": len(renamer.edits), "quotes_checked": checked,
            "source_mismatches": unmatched_source}


def _literal(value: str):
    try:
        parsed = ast.literal_eval(value) if value.strip() else []
    except (ValueError, SyntaxError):
        return []
    return parsed if isinstance(parsed, (list, set)) else []


def _rename_literal(value: str, rename) -> str:
    """A Python literal (nested lists of strings) with every string renamed."""
    if not value.strip():
        return value
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return rename(value)

    def walk(x):
        if isinstance(x, str):
            return rename(x)
        if isinstance(x, (list, tuple, set)):
            return type(x)(walk(y) for y in x)
        return x

    return repr(walk(parsed))


def _write_csv(path: Path, header, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)


# --- LitBank ------------------------------------------------------------------------------------------


class TokenRenamer:
    """Renames the name tokens of a tokenised document (sentences of tokens) and remaps token indices."""

    def __init__(self, table: dict[str, str]):
        self.table = table
        self.upper = {f: t for t in table for f in _shouted_forms(t)}
        self.index: list[list[tuple[int, int]]] = []  # per sentence: old token -> (first, last) new index

    def new_tokens(self, token: str, previous: str | None) -> list[str]:
        original = token if token in self.table else self.upper.get(token) if len(token) > 1 else None
        if original is None:
            return [token]
        new = self.table[original]
        if _is_shouted(token):
            new = new.upper()
        elif new[0].islower() and (previous is None or previous in {".", "!", "?", "“", '"', "‘", "'", "(", "--"}):
            new = new[0].upper() + new[1:]
        return new.split(" ")

    def rename(self, sentences: list[list[str]]) -> list[list[str]]:
        result, self.index = [], []
        for tokens in sentences:
            new, index = [], []
            for k, token in enumerate(tokens):
                pieces = self.new_tokens(token, tokens[k - 1] if k else None)
                index.append((len(new), len(new) + len(pieces) - 1))
                new += pieces
            result.append(new)
            self.index.append(index)
        return result

    def span(self, fields: list[str]) -> list[str]:
        s_sent, s_tok, e_sent, e_tok = (int(f) for f in fields)
        return [str(s_sent), str(self.index[s_sent][s_tok][0]), str(e_sent), str(self.index[e_sent][e_tok][1])]


def rename_entity_id(table: dict[str, str], entity: str) -> str:
    """ADA_QUILL-0, Ada_Quill-0 -> the same id with each name part renamed in the part's case (spaces as
    underscores)."""
    upper = {t.upper(): v for t, v in table.items()}

    def part(p: str) -> str:
        new = upper.get(p.upper())
        if new is None or not p[:1].isupper():
            return p
        return (new.upper() if p.isupper() and len(p) > 1 else new).replace(" ", "_")

    return "".join(part(p) for p in re.split(r"([_\-])", entity))


def rename_litbank_doc(litbank: Path, target: Path, name: str, generator: NameGenerator) -> dict:
    coref_txt = (litbank / "coref" / f"{name}_brat.txt").read_text(encoding="utf-8")
    sentences = [line.split(" ") if line else [] for line in coref_txt.split("\n")]
    rows = [line.split("\t") for line in (litbank / "coref" / f"{name}_brat.ann").read_text(encoding="utf-8").split("\n")]
    mentions = {r[1]: r for r in rows if r[0] == "MENTION" and len(r) >= 9}
    entity_of = {r[1]: r[2] for r in rows if r[0] == "COREF" and len(r) >= 3}
    pronouns: dict[str, Counter] = defaultdict(Counter)
    proper: dict[str, list[str]] = defaultdict(list)
    for mid, entity in entity_of.items():
        m = mentions.get(mid)
        if m is None or m[7] != "PER":
            continue
        if m[8] == "PROP":
            proper[entity].append(m[6])
        elif m[8] == "PRON":
            word = m[6].lower()
            pronouns[entity]["M" if word in {"he", "him", "his", "himself"} else "F" if word in {"she", "her", "hers", "herself"} else "U"] += 1
    text = " ".join(" ".join(s) for s in sentences)
    people = [(names, _gender(pronouns[e])) for e, names in proper.items()]
    generator.avoid |= {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    table = name_table(name_tokens(people, text), generator)
    renamer = TokenRenamer(table)
    new_sentences = renamer.rename(sentences)
    new_txt = "\n".join(" ".join(s) for s in new_sentences)
    checked = 0
    for layer in ("coref", "quotations"):
        ann = litbank / layer / f"{name}_brat.ann"
        if not ann.exists():
            continue
        (target / layer).mkdir(parents=True, exist_ok=True)
        (target / layer / f"{name}_brat.txt").write_text(new_txt, encoding="utf-8")
        out = []
        for row in ann.read_text(encoding="utf-8").split("\n"):
            r = row.split("\t")
            if r[0] in ("MENTION", "QUOTE") and len(r) >= 7:
                old_text = _tokens_between(sentences, r[2:6])
                r[2:6] = renamer.span(r[2:6])
                new_text = _tokens_between(new_sentences, r[2:6])
                if old_text == r[6]:
                    if r[0] == "QUOTE" and _renamed_tokens(renamer, r[6]) != new_text:
                        raise RenameError(f"{name} {r[1]}: {r[6][:60]!r} renamed is not at {r[2:6]} ({new_text[:60]!r})")
                    checked += r[0] == "QUOTE"
                r[6] = new_text
            elif r[0] == "COREF" and len(r) >= 3:
                r[2] = rename_entity_id(table, r[2])
            elif r[0] == "ATTRIB" and len(r) >= 3:
                r[2] = rename_entity_id(table, r[2])
            out.append("\t".join(r))
        (target / layer / f"{name}_brat.ann").write_text("\n".join(out), encoding="utf-8")
    tsv = litbank / "entities" / f"{name}_brat.tsv"
    if tsv.exists():
        (target / "entities").mkdir(parents=True, exist_ok=True)
        (target / "entities" / tsv.name).write_text(rename_tsv(renamer, tsv.read_text(encoding="utf-8")), encoding="utf-8")
    (target / "names").mkdir(parents=True, exist_ok=True)
    (target / "names" / f"{name}.json").write_text(json.dumps(table, indent=1, ensure_ascii=False), encoding="utf-8")
    return {"book": name, "names": len(table), "replaced": sum(t in table or t in renamer.upper for s in sentences for t in s),
            "quotes_checked": checked, "source_mismatches": 0}


def _gender(pronouns: Counter) -> str:
    m, f = pronouns["M"], pronouns["F"]
    return "M" if m > f else "F" if f > m else "U"


def _tokens_between(sentences: list[list[str]], fields: list[str]) -> str:
    s_sent, s_tok, e_sent, e_tok = (int(f) for f in fields)
    if s_sent == e_sent:
        return " ".join(sentences[s_sent][s_tok : e_tok + 1])
    parts = [sentences[s_sent][s_tok:]] + sentences[s_sent + 1 : e_sent] + [sentences[e_sent][: e_tok + 1]]
    return " ".join(" ".join(p) for p in parts if p)


def _renamed_tokens(renamer: TokenRenamer, text: str) -> str:
    """A gold text (tokens split by spaces) renamed on its own, to compare with the renamed document."""
    tokens = text.split(" ")
    out = []
    for k, token in enumerate(tokens):
        out += renamer.new_tokens(token, tokens[k - 1] if k else None)
    return " ".join(out)


def rename_tsv(renamer: TokenRenamer, content: str) -> str:
    """LitBank's entity layer (a token a line, then its tags): a name becomes as many rows as it has words, the
    rows after the first inside the same entities (B- tags become I-)."""
    out, previous = [], None
    for line in content.split("\n"):
        if not line.strip():
            out.append(line)
            previous = None
            continue
        cells = line.split("\t")
        pieces = renamer.new_tokens(cells[0], previous)
        previous = cells[0]
        out.append("\t".join([pieces[0], *cells[1:]]))
        inside = ["I-" + c[2:] if c[:2] in ("B-", "I-") else c for c in cells[1:]]
        out += ["\t".join([p, *inside]) for p in pieces[1:]]
    return "\n".join(out)


# --- main ---------------------------------------------------------------------------------------------


def write_corpus(corpus: Path, out: Path, seed: int, kinds: tuple[str, ...], only: list[str] | None = None) -> list[dict]:
    """Write the renamed copy of `corpus` (pdnc/ and litbank/) into `out`; one report row per book."""
    reports = []
    pdnc = corpus / "pdnc"
    if pdnc.is_dir():
        (out / "pdnc").mkdir(parents=True, exist_ok=True)
        for extra in pdnc.glob("*.csv"):
            shutil.copy(extra, out / "pdnc" / extra.name)
        novels = sorted(p for p in pdnc.iterdir() if (p / "novel_text.txt").is_file())
        for novel in novels:
            if only and not any(novel.name.startswith(o) for o in only):
                continue
            reports.append(rename_pdnc_novel(novel, out / "pdnc" / novel.name, NameGenerator(f"{seed}:{novel.name}", kinds)))
            print(f"{novel.name}: {reports[-1]['names']} names", file=sys.stderr)
    litbank = corpus / "litbank"
    if (litbank / "coref").is_dir():
        for ann in sorted((litbank / "coref").glob("*_brat.ann")):
            name = ann.name.removesuffix("_brat.ann")
            if only and not any(name.startswith(o) for o in only):
                continue
            reports.append(rename_litbank_doc(litbank, out / "litbank", name, NameGenerator(f"{seed}:{name}", kinds)))
        if (litbank / "entities").is_dir():  # documents with no coref layer: copied with their names
            for tsv in (litbank / "entities").glob("*.tsv"):
                target = out / "litbank" / "entities" / tsv.name
                if not target.exists() and not only:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(tsv, target)
    return reports


def _kinds(value: str) -> tuple[str, ...]:
    kinds = tuple(k.strip() for k in value.split(",") if k.strip())
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"unknown kind {', '.join(unknown) or '(none)'}; choose from {', '.join(KINDS)}")
    return kinds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="the folder holding pdnc/ and litbank/")
    parser.add_argument("--out", type=Path, required=True, help="where the renamed copy goes (outside the repository)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--kinds", type=_kinds, default=KINDS, help=f"comma-separated name kinds ({','.join(KINDS)})")
    parser.add_argument("--only", action="append", help="only books whose name starts with this")
    args = parser.parse_args(argv)
    if not (args.corpus / "pdnc").is_dir() and not (args.corpus / "litbank").is_dir():
        parser.exit(2, f"renamed_corpus.py: {args.corpus} holds neither pdnc/ nor litbank/\n")
    repo = Path(__file__).resolve().parents[1]
    out = args.out.resolve()
    if out == repo or repo in out.parents:
        parser.exit(2, f"renamed_corpus.py: --out {args.out} is inside the repository; the corpus text stays outside it\n")
    if out.resolve() == args.corpus.resolve():
        parser.exit(2, "renamed_corpus.py: --out must not be the corpus itself\n")
    try:
        reports = write_corpus(args.corpus, out, args.seed, args.kinds, args.only)
    except RenameError as error:
        print(f"renamed_corpus.py: self-check failed: {error}", file=sys.stderr)
        return 1
    for r in reports:
        print(f"{r['book'][:40]:40} names {r['names']:4d}  quotations checked {r['quotes_checked']:5d}"
              + (f"  (source already off: {r['source_mismatches']})" if r["source_mismatches"] else ""))
    print(f"{len(reports)} books written to {out} (seed {args.seed}, kinds {','.join(args.kinds)}); "
          f"{sum(r['quotes_checked'] for r in reports)} quotations match at their new offsets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
