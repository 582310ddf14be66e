"""The repository holds no text of the development corpus: no character names of its books, no copied lines.

The development corpus (PDNC novels and LitBank openings; FILMSOFONE_CORPUS or ../shared/corpus beside the
repository, skipped when absent) is for measuring only: examples in docstrings, comments, tests and docs are
invented. This test fails, naming file:line, when README.md, docs/, books/, src/, tests/ or bench/ hold

(a) a character name of a development book:
    - a full name: a Main Name or alias of a PDNC `character_info.csv`, or a LitBank PER mention written as a
      proper name (every word capitalised, not in capitals), of two or more words once a leading article or
      possessive ("the", "a", "my dear") is dropped, matched word for word with its capitals (a title's full
      stop optional; "of", "the", particles in any case): the kind of "Mr. Quill", "Ada Quill", "the Grey
      Heron". Titles alone ("the Queen") are not names;
    - a distinctive single name: a word of a PDNC name, written with a capital (a word in capitals counts from
      five letters), unless it is a title, an English word (written in lower case somewhere in the corpus),
      capitalised in COMMON_IN_WORKS or more corpus works, two letters long, or a common first name: a
      nickname of analysis/names.py, or one of its first names unless a single book uses it only after
      "Mr."/"Mrs."/"Colonel"... (ALSO_FIRST_NAMES lists the real first names kept anyway);
    - in Python sources, a distinctive single name in lower case inside a list of names (a string of words,
      or a set, list, tuple or dict of strings, holding three or more common first names);
(b) a run of words copied from a corpus text: SHINGLE words in a row (letters only, lower case; punctuation,
    string-literal quotes and line breaks between them ignored), or MASKED_SHINGLE words in a row with every
    capitalised word masked, so a line copied with its names changed still counts (such a run must hold a
    masked word and at least MASKED_MIN_PLAIN lower-case words). A PDNC novel and its LitBank opening are one
    work.

bench/ scores the corpus books and may name them by their titles (PDNC-Novel-Index.csv's "Novel Title");
so may tests that read the corpus (files using the `corpus_dir` fixture). Folder and file names
("PrideAndPrejudice", "1342_pride_and_prejudice") never match a name anyway. Character names and copied text
are refused there too, as everywhere.

False positives, measured when this was written: on the 44 corpus works against one another, 7-word runs are
shared by 33 pairs of works (set phrases: "I did not know what to do"), 8-word runs by 1, masked 9-word runs by
1, of ~600,000; on 40 MB of the venv's site-packages text (2,448 files of code, docstrings and docs): no copied
run, no full name, 38 single-name lines, all real people's names in credits and algorithm names (Jones 11,
Floyd 7, Leonardo 5, Smith, Miller, Alan, Griffin, Abdullah, Lucas, Lal). In the repository, once the real
hits were replaced: none.
"""

from __future__ import annotations

import ast
import csv
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest

from filmsofone import lexicon
from filmsofone.analysis.names import FEMALE_NAMES, HYPOCORISTICS, MALE_NAMES

pytestmark = pytest.mark.corpus

# as tests/conftest.py finds them (not imported from it: "conftest" is a different module in each test folder)
REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("FILMSOFONE_CORPUS") or REPO.parent / "shared" / "corpus").resolve()

SHINGLE = 8
MASKED_SHINGLE = 9
MASKED_MIN_PLAIN = 6
SCANNED = ("README.md", "docs", "books", "src", "tests", "bench")
SUFFIXES = {".py", ".md", ".txt", ".toml", ".yaml", ".yml", ".json", ".cfg", ".html", ".js", ".css", ".rst", ""}
THIS_FILE = Path(__file__).resolve()

_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:'[A-Za-zÀ-ÖØ-öø-ÿ]+)*")
_TITLES = frozenset(lexicon.HONORIFICS) | lexicon.RANK_TITLES | {"St", "Saint"}
_LEADING = frozenset({"the", "a", "an", "my", "her", "his", "dear", "dearest", "one"})
_ANY_CASE = frozenset({"of", "the", "in", "at", "on", "with", "de", "van", "von", "der", "du", "la", "le"})
_NICKNAMES = frozenset(HYPOCORISTICS)
_FIRST_NAMES = MALE_NAMES | FEMALE_NAMES | frozenset(HYPOCORISTICS.values())
_SURNAME_TITLES = lexicon.SURNAME_TITLES - {"Miss", "Ms", "Master"}  # "Miss Nancy" takes a first name
COMMON_IN_WORKS = 4
# real English first names that a development book uses only after "Mr.": analysis/names.py keeps them
ALSO_FIRST_NAMES = frozenset({"giles"})
_MASK = "#"


def words_of(text: str) -> list[tuple[str, int]]:
    """Words with their 1-based line numbers; curly apostrophes read as straight ones."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    newlines = [m.start() for m in re.finditer("\n", text)]
    out, line = [], 0
    for m in _WORD.finditer(text):
        while line < len(newlines) and newlines[line] < m.start():
            line += 1
        out.append((m.group(0), line + 1))
    return out


def _key(word: str) -> str:
    """How a word of a full name is compared: function words in any case, an 's after a name as written."""
    word = re.sub(r"'S$", "'s", word)
    return word.lower() if word.lower() in _ANY_CASE else word


def _capitalised(word: str) -> bool:
    return word[0].isupper()


def _shingle_keys(words: list[str]) -> list[int]:
    low = [w.lower() for w in words]
    return [hash(tuple(low[i : i + SHINGLE])) for i in range(len(low) - SHINGLE + 1)]


def _masked_keys(words: list[str]) -> list[int | None]:
    """One key per start, None where the run is not worth a key (no mask, too few plain words)."""
    masked = [_MASK if _capitalised(w) else w.lower() for w in words]
    keys: list[int | None] = []
    for i in range(len(masked) - MASKED_SHINGLE + 1):
        run = masked[i : i + MASKED_SHINGLE]
        plain = sum(w != _MASK for w in run)
        keys.append(hash(tuple(run)) if MASKED_MIN_PLAIN <= plain < MASKED_SHINGLE else None)
    return keys


# --- the corpus ----------------------------------------------------------------------------------------------


def corpus_works() -> dict[str, list[str]]:
    """The corpus texts by work: a PDNC novel and the LitBank opening of the same novel are one work (linked by
    their Gutenberg number or their title); a LitBank document counts once whatever its layers (text files, else tokens)."""
    works: dict[str, list[str]] = defaultdict(list)
    by_number = {}
    with open(CORPUS / "pdnc" / "PDNC-Novel-Index.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            folder = next((v for v in row.values() if v and (CORPUS / "pdnc" / v / "novel_text.txt").is_file()), None)
            number = re.search(r"ebooks/(\d+)", " ".join(v or "" for v in row.values()))
            if folder and number:
                by_number[number.group(1)] = folder
    for novel in sorted((CORPUS / "pdnc").glob("*/novel_text.txt")):
        works[novel.parent.name].append(novel.read_text(encoding="utf-8"))
    litbank: dict[str, str] = {}
    for doc in sorted((CORPUS / "litbank").glob("*/*_brat.txt")):
        litbank.setdefault(doc.name.split("_brat")[0], doc.read_text(encoding="utf-8"))
    for doc in sorted((CORPUS / "litbank" / "entities").glob("*_brat.tsv")):
        rows = doc.read_text(encoding="utf-8").splitlines()
        litbank.setdefault(doc.name.split("_brat")[0], " ".join(r.split("\t")[0] for r in rows if r.strip()))
    by_title = {folder.lower(): folder for folder in works}
    for stem, text in litbank.items():
        number, _, title = stem.partition("_")
        works[by_number.get(number) or by_title.get(title.replace("_", ""), stem)].append(text)
    return dict(works)


def character_names() -> dict[str, list[str]]:
    """PDNC book folder -> every Main Name and alias of its characters."""
    names = {}
    for info in sorted((CORPUS / "pdnc").glob("*/character_info.csv")):
        with open(info, encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        names[info.parent.name] = sorted({n for r in rows for n in {r["Main Name"], *ast.literal_eval(r["Aliases"])}})
    return names


def litbank_people() -> dict[str, set[str]]:
    """LitBank document -> the people (PER spans of any layer of its entity annotations) it names."""
    people: dict[str, set[str]] = {}
    for doc in sorted((CORPUS / "litbank" / "entities").glob("*_brat.tsv")):
        rows = [r.split("\t") for r in doc.read_text(encoding="utf-8").splitlines()] + [[""]]
        found, current, layers = set(), {}, range(1, max(len(r) for r in rows))
        for row in rows:
            for layer in layers:
                tag = row[layer] if len(row) > layer else "O"
                if tag != "I-PER" and current.get(layer):
                    found.add(" ".join(current.pop(layer)))
                if tag in ("B-PER", "I-PER"):
                    current.setdefault(layer, []).append(row[0])
        people[doc.name.split("_brat")[0]] = found
    return people


def _proper(words: list[str]) -> bool:
    """A proper name written as in running text: every word capitalised (or a particle), none in capitals."""
    return all((_capitalised(w) and not (len(w) > 1 and w.isupper())) or w.lower() in _ANY_CASE for w in words)


def _name_words(name: str) -> list[str]:
    words = [w for w, _ in words_of(name)]
    while words and words[0].lower() in _LEADING:
        words = words[1:]
    return words


@dataclass
class Corpus:
    full: dict[tuple[str, ...], str] = field(default_factory=dict)  # full name (keys) -> book
    single: dict[str, str] = field(default_factory=dict)  # distinctive name, lower case -> book
    shingles: set[int] = field(default_factory=set)
    masked: set[int] = field(default_factory=set)


@lru_cache(maxsize=1)
def corpus() -> Corpus:
    works = corpus_works()
    found = Corpus()
    lower: set[str] = set()
    works_capitalising: dict[str, int] = defaultdict(int)
    for texts in works.values():
        capitalised = set()
        for text in texts:
            words = [w for w, _ in words_of(text)]
            lower.update(w for w in words if not _capitalised(w))
            capitalised.update(w.lower() for w in words if _capitalised(w))
            found.shingles.update(_shingle_keys(words))
            found.masked.update(k for k in _masked_keys(words) if k is not None)
        for w in capitalised:
            works_capitalising[w] += 1
    books = character_names()
    surnames = {ws[-1].lower() for names in books.values() for n in names
                if len(ws := _name_words(n)) >= 2 and ws[-2] in _SURNAME_TITLES}
    surnames -= {ws[0].lower() for names in books.values() for n in names
                 if len(ws := [w for w in _name_words(n) if w not in _TITLES]) >= 2}  # also someone's first name
    for doc, people in litbank_people().items():
        for person in people:
            words = _name_words(person)
            if 2 <= len(words) <= 5 and _proper(words) and any(w not in _TITLES for w in words):
                found.full.setdefault(tuple(_key(w) for w in words), f"LitBank {doc}")
    for book, names in books.items():
        for name in names:
            words = _name_words(name)
            core = [w for w in words if _capitalised(w) and w not in _TITLES and w.lower() not in _ANY_CASE]
            if len(words) >= 2 and core:
                found.full[tuple(_key(w) for w in words)] = book
            for w in core:
                low = re.sub(r"'s$", "", w.lower())
                common_first = low in _NICKNAMES | ALSO_FIRST_NAMES or (low in _FIRST_NAMES and (low not in surnames
                                                                               or works_capitalising[low] >= 2))
                common = works_capitalising[low] >= COMMON_IN_WORKS
                if low not in lower and not common_first and not common and len(low) > 2:
                    found.single[low] = book
    return found


# --- the repository ------------------------------------------------------------------------------------------


def repo_files() -> list[Path]:
    files = []
    for top in SCANNED:
        path = REPO / top
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [p for p in candidates if p.suffix in SUFFIXES and p.resolve() != THIS_FILE
                  and "__pycache__" not in p.parts and p.stat().st_size < 2_000_000]
    return files


def book_titles() -> set[tuple[str, ...]]:
    """The PDNC books' titles as name keys (allowed where the books are scored)."""
    with open(CORPUS / "pdnc" / "PDNC-Novel-Index.csv", encoding="utf-8") as f:
        titles = {tuple(_key(w) for w, _ in words_of(row["Novel Title"])) for row in csv.DictReader(f)}
    return {t for t in titles if t}


def may_name_books(path: Path, text: str) -> bool:
    top = path.relative_to(REPO).parts[0]
    return top == "bench" or (top == "tests" and "corpus_dir" in text)


def scan_text(text: str, allowed: set[tuple[str, ...]] = frozenset()) -> list[tuple[int, str]]:
    """(line, what) for the first corpus name or copied run of words on each line of `text`."""
    c = corpus()
    words = words_of(text)
    plain = [w for w, _ in words]
    keys = [_key(w) for w in plain]
    free = [True] * len(words)
    for n in sorted({len(t) for t in allowed}):
        for i in range(len(keys) - n + 1):
            if tuple(keys[i : i + n]) in allowed:
                free[i : i + n] = [False] * n
    hits: list[tuple[int, str]] = []
    lengths = sorted({len(f) for f in c.full}, reverse=True)
    starts = {f[0] for f in c.full}
    for i, (word, line) in enumerate(words):
        name = None if keys[i] not in starts else next(
            (tuple(keys[i : i + n]) for n in lengths if tuple(keys[i : i + n]) in c.full and all(free[i : i + n])), None)
        if name:
            hits.append((line, f"character name {' '.join(name)!r} ({c.full[name]})"))
        elif free[i] and _capitalised(word) and not (word.isupper() and len(word) < 5) \
                and (low := re.sub(r"'s$", "", word.lower())) in c.single:
            hits.append((line, f"character name {word!r} ({c.single[low]})"))
    for i, key in enumerate(_shingle_keys(plain)):
        if key in c.shingles:
            hits.append((words[i][1], f"corpus text {' '.join(plain[i : i + SHINGLE])!r}"))
    for i, key in enumerate(_masked_keys(plain)):
        if key is not None and key in c.masked:
            hits.append((words[i][1], f"corpus text, names changed: {' '.join(plain[i : i + MASKED_SHINGLE])!r}"))
    first: dict[int, str] = {}
    for line, what in hits:
        first.setdefault(line, what)
    return sorted(first.items())


def scan_name_lists(source: str) -> list[tuple[int, str]]:
    """(line, what) for lower-case corpus names in the name lists of Python source: a string of words, or a
    set, list, tuple or dict of strings, holding at least three common first names."""
    c = corpus()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            entries = [(node.lineno + node.value[: m.start()].count("\n"), m.group(0))
                       for m in re.finditer(r"\S+", node.value)]
        elif isinstance(node, (ast.Set, ast.List, ast.Tuple, ast.Dict)):
            items = [*node.keys, *node.values] if isinstance(node, ast.Dict) else node.elts
            entries = [(i.lineno, i.value) for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)]
        else:
            continue
        if sum(w in _FIRST_NAMES or w in _NICKNAMES for _, w in entries) >= 3:
            hits += [(line, f"name {w!r} in a list of names ({c.single[w]})") for line, w in entries if w in c.single]
    return hits


def test_the_guard_sees_names_and_copied_lines():
    c = corpus()
    book, names = next(iter(character_names().items()))
    text = next(t for t in corpus_works()[book])
    words = [w for w, _ in words_of(text)]
    middle = len(words) // 2
    copied = " ".join(words[middle : middle + SHINGLE])
    assert scan_text(f"x = 1\n# {copied}\n") and scan_text(f"x = 1\n# {copied}\n")[0][0] == 2
    full = next(n for n in names if len(_name_words(n)) >= 2 and tuple(map(_key, _name_words(n))) in c.full)
    assert scan_text(f'"""An example: {full} came in."""')
    name = next(iter(c.single))
    assert scan_text(f"A line about {name.title()}.") and not scan_text(f"NAMES = {{'{name}'}}")
    assert scan_name_lists(f'NAMES = {{"john", "mary", "{name}", "ada"}}\nWORDS = """ada john mary\n{name}"""') == [
        (1, f"name {name!r} in a list of names ({c.single[name]})"),
        (3, f"name {name!r} in a list of names ({c.single[name]})")]
    assert not scan_text("Ada Quill said to Mr. Pellow that the lantern was lit, and Osric went home.")


def test_the_repository_holds_no_corpus_names_or_text():
    titles = book_titles()
    found = []
    for path in repo_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        hits = scan_text(text, titles if may_name_books(path, text) else set())
        if path.suffix == ".py":
            hits = sorted(dict(scan_name_lists(text) + hits).items())
        for line, what in hits:
            found.append(f"{path.relative_to(REPO)}:{line}: {what}")
    assert not found, f"{len(found)} lines hold development-corpus text:\n" + "\n".join(found)
