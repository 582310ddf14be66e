"""Narration made filmable: which sentences a camera can show, shortened and told in the present tense.

A narration sentence becomes an action line only when it holds a visible action (a verb of
`lexicon.VISIBLE_ACTION_VERBS`) and none of: a speech tag or its residue, an interior state
(`lexicon.INTERIOR_STATE_WORDS`), back-story (the pluperfect, 'used to', 'years before'), a negated or
hypothetical action, or a quotation the analysis missed. The line keeps the clause with the action, drops
trailing subordinate clauses, and turns the past tense of its verbs into the present.
"""

from __future__ import annotations

import re

from ..lexicon import (ABBREVIATIONS, BE_HAVE_PRESENT, HONORIFICS, VISIBLE_ACTION_VERBS, has_speech_verb,
                       states_interior)

MAX_ACTION_WORDS = 24
_VISIBLE_WORDS = frozenset(VISIBLE_ACTION_VERBS)
_LETTERS = re.compile(r"[A-Za-z]+")
_ABBREVIATIONS = frozenset(a.lower() for a in (*HONORIFICS, *ABBREVIATIONS)) | frozenset(
    "messrs gen lt sgt esq jr sr no vol ch".split())
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9_])")
_TOKEN = re.compile(r"[A-Za-z\u00C0-\u024F0-9]+(?:['\u2019-][A-Za-z\u00C0-\u024F0-9]+)*|[^\sA-Za-z\u00C0-\u024F0-9]")
_QUOTE_MARK = re.compile(r"[\"\u201c\u201d\u00ab\u00bb]|(?:^|\s)['\u2018]\w|\w[\u2019']\s*$")
_BACK_STORY = re.compile(
    r"\bhad\s+(?:not\s+|never\s+|already\s+|just\s+|long\s+|once\s+)?(?:been|[a-z]+ed|[a-z]+en|gone|come|done|"
    r"made|said|told|left|known|seen|taken|given|heard|felt|thought|found|brought|kept|lost|met|won|run|"
    r"become|begun|grown|lived)\b|\bused to\b|\b(?:years?|months?|weeks?)\s+(?:before|ago|earlier)\b|"
    r"\bin (?:her|his|their|my) youth\b|\bas a (?:child|girl|boy)\b|\bformerly\b|\bwould often\b|"
    r"\bhad always\b|\bin former\b",
    re.I,
)
_NEGATION = re.compile(r"\b(?:not|never|no longer|nor|neither|scarcely|hardly)\b", re.I)
_MODAL = re.compile(r"\b(?:would|could|might|should|must|shall|will|may|can)\b", re.I)
_CLAUSE_BREAK = re.compile(r"\s*(?:;|:|\s[\u2014\u2013]\s|\u2014|--)\s*")
_TRAILING = re.compile(
    r",\s+(?:which|who|whom|whose|where|when|while|as if|as though|though|although|because|for|since|until|"
    r"till|unless|that|and yet|but|so that|in order|without)\b", re.I)
_PRONOUN_SINGULAR = frozenset("he she it".split())
_PRONOUN_PLURAL = frozenset("they we you".split())
_SUBORDINATORS = frozenset("as when while whilst till until though although because if unless since after before "
                           "once whenever wherever".split())
_QUESTION_WORDS = frozenset("how what why whether who whom which that".split())
_PLURAL_NOUNS = frozenset("men women people children others gentlemen ladies folk".split())
_COUNTING = frozenset("the two three four five six several many some these those their our his her my".split())
_ADVERB_SKIP = frozenset("then all both slowly quickly now again also once suddenly at last soon still".split())


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end] (absolute offsets, whitespace trimmed); 'Mr.' does not end one."""
    spans, cursor = [], start
    for match in _SENTENCE_END.finditer(text, start, end):
        word = re.search(r"(\w+)\W*$", text[max(start, match.start() - 12):match.start() + 1])
        if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1 and word.group(1).isupper()):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    return [trimmed for a, b in spans if (trimmed := _trim(text, a, b))]


def _trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and (text[a].isspace() or text[a] in ",;:"):
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if b > a else None


def tidy(text: str) -> str:
    return " ".join(text.split())


def is_residue(sentence: str) -> bool:
    """What a speech tag or a cut leaves: a lower-case or punctuation start, a quotation mark, under 3 words."""
    flat = sentence.strip()
    return (not flat[:1].isupper() or len(flat.split()) < 3 or bool(_QUOTE_MARK.search(flat)))


def has_speech_tag(sentence: str, beside_dialogue: bool) -> bool:
    """A speech verb ('said', 'replied'; next to a quotation also 'added', 'returned', 'laughed')."""
    return has_speech_verb(sentence, ambiguous=beside_dialogue)


def visible_verb(sentence: str) -> re.Match | None:
    """The first visible action verb that is neither negated nor hypothetical, else None."""
    for match in re.finditer(r"[A-Za-z]+", sentence):
        if match.group(0).lower() not in VISIBLE_ACTION_VERBS:
            continue
        before = sentence[max(0, match.start() - 30):match.start()].split()[-3:]
        lead = " ".join(before)
        if _NEGATION.search(lead) or _MODAL.search(lead) or (before and before[-1].lower() in ("to", "the", "a", "an")):
            continue
        return match
    return None


def filmable_clause(sentence: str, beside_dialogue: bool = False) -> str | None:
    """The first clause of the sentence a camera can show (see the module docstring), else None.

    A sentence that is residue or holds a speech tag is refused whole; other checks apply per clause."""
    if not {w.lower() for w in _LETTERS.findall(sentence)} & _VISIBLE_WORDS:
        return None
    flat = tidy(sentence)
    if is_residue(flat) or has_speech_tag(flat, beside_dialogue):
        return None
    for clause in _CLAUSE_BREAK.split(flat):
        clause = _main_clause(clause)
        if clause is None or states_interior(clause) or _BACK_STORY.search(clause) or visible_verb(clause) is None:
            continue
        return clause
    return None


def _main_clause(clause: str) -> str | None:
    """The clause without a leading subordinate part ('As they walked on, she ...' -> 'she ...'); None when
    the clause is itself subordinate or a question ('Till the latter walks away', 'How he looked ...')."""
    first = clause.split(maxsplit=1)[0].lower().strip(",") if clause.split() else ""
    if first in _QUESTION_WORDS:
        return None
    if first not in _SUBORDINATORS:
        return clause
    head, comma, rest = clause.partition(", ")
    return rest if comma and rest[:1].isalpha() and len(rest.split()) >= 3 else None


def action_line(sentence: str, beside_dialogue: bool = False) -> str | None:
    """The sentence as a short present-tense action line, or None when no clause of it can be filmed."""
    clause = filmable_clause(sentence, beside_dialogue)
    if clause is None:
        return None
    for trailing in _TRAILING.finditer(clause):
        if visible_verb(clause[:trailing.start()]):
            clause = clause[:trailing.start()]
            break
    verb = visible_verb(clause)
    if len(clause.split()) > MAX_ACTION_WORDS:
        commas = [m.start() for m in re.finditer(",", clause) if verb.end() < m.start()]
        short = next((c for c in reversed(commas) if len(clause[:c].split()) <= MAX_ACTION_WORDS), None)
        if short is None:
            return None
        clause = clause[:short]
    clause = clause.strip().rstrip(",;:.!?\u2014-").strip()
    clause = re.sub(r"^(?:and|but|so|then|yet|or)\s+", "", clause, flags=re.I)
    clause = clause[:1].upper() + clause[1:]
    if len(clause.split()) < 3 or is_residue(clause):
        return None
    return present_tense(clause) + "."


def present_tense(clause: str) -> str:
    """'She rose and went to the window' -> 'She rises and goes to the window'.

    The clause's first past-tense verb (of the visible-action list, or was/were/had) is turned, and after it
    only verbs coordinated with it ('and followed', ', turned'); a past participle after a noun ('the lamp
    held high') stays. Coordinated regular verbs outside the list are turned when their spelling is sure."""
    tokens = _TOKEN.findall(clause)
    out: list[str] = []
    decided: dict[int, bool] = {}
    for index, token in enumerate(tokens):
        lower = token.lower()
        forms = VISIBLE_ACTION_VERBS.get(lower) or BE_HAVE_PRESENT.get(lower)
        coordinated = bool(decided) and (_coordinated(tokens, index) or (
            index > 0 and tokens[index - 1].lower() in _PRONOUN_SINGULAR | _PRONOUN_PLURAL | {"i"}))
        if forms is None and coordinated:
            forms = _regular_present(lower)
        if forms is None or (decided and not coordinated) or _after_infinitive(tokens, index):
            out.append(token)
            continue
        subject = _subject_number(tokens, index, decided)
        decided[index] = subject != "singular"
        if subject == "i":
            word = {"was": "am", "were": "am", "had": "have"}.get(lower, forms[1])
        else:
            word = forms[0] if subject == "singular" else forms[1]
        out.append(word.capitalize() if token[:1].isupper() else word)
    return _join(out)


def _after_infinitive(tokens: list[str], index: int) -> bool:
    return index > 0 and tokens[index - 1].lower() in ("to", "will", "would", "could", "should", "might", "must")


def _coordinated(tokens: list[str], index: int) -> bool:
    """The verb follows 'and', 'or', 'then' or a comma (adverbs between allowed)."""
    back = index - 1
    while back >= 0 and (tokens[back].lower().endswith("ly") or tokens[back].lower() in _ADVERB_SKIP):
        back -= 1
    return back >= 0 and tokens[back].lower() in ("and", "or", "then", ",", "but")


def _regular_present(past: str) -> tuple[str, str] | None:
    """('presses', 'press') for 'pressed' when the spelling of the present is sure, else None."""
    if not past.endswith("ed") or len(past) < 5:
        return None
    stem = past[:-2]
    if past.endswith("ied"):
        return past[:-3] + "ies", past[:-3] + "y"
    if stem.endswith(("ss", "sh", "ch", "x")):
        return stem + "es", stem
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1] + "s", stem[:-1]
    if stem[-1] not in "aeiou" and (stem[-2] not in "aeiou" or stem[-3:-1] in ("ai", "ea", "oa", "ee", "oo", "ou")):
        return stem + "s", stem
    return None


def _subject_number(tokens: list[str], index: int, decided: dict[int, bool]) -> str:
    """'singular', 'plural' or 'i' for the verb at `index`, from the nearest subject before it."""
    for back in range(index - 1, max(-1, index - 8), -1):
        lower = tokens[back].lower()
        if back in decided:
            return "plural" if decided[back] else "singular"
        if lower == "i":
            return "i"
        if lower in _PRONOUN_PLURAL:
            return "plural"
        if lower in _PRONOUN_SINGULAR:
            return "singular"
        if lower in _PLURAL_NOUNS or (lower.endswith("s") and not lower.endswith(("ss", "us", "is"))
                                      and back >= 1 and tokens[back - 1].lower() in _COUNTING):
            return "plural"
        if lower == "and" and back >= 1 and tokens[back - 1][:1].isupper() and tokens[back + 1][:1].isupper():
            return "plural"
        if lower in _ADVERB_SKIP or lower.endswith("ly"):
            continue
    return "singular"


def _join(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
    return re.sub(r"([(\[])\s+", r"\1", text)
