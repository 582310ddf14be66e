"""Narration made filmable: which sentences a camera can show, shortened and told in the present tense.

A narration sentence becomes an action line only when it holds a visible action (a verb of
`lexicon.VISIBLE_ACTION_VERBS`) and none of: a speech tag or its residue, an interior state
(`lexicon.INTERIOR_STATE_WORDS`), back-story (the pluperfect, 'used to', 'years before'), a negated or
hypothetical action, or a quotation the analysis missed. The line keeps the clause with the action, drops
trailing subordinate clauses (`action_clause`), and is told in the present tense (`screen_lines`: spaCy's
tags, lemmas and parse, a scene's lines in one batch); the parse also refuses the interior states a word list
cannot tell from actions (`states_feeling`: a verb of liking, a copula with an adjective of feeling or with an
adjective that takes a that-clause).
"""

from __future__ import annotations

import re

from ..analysis.nlp import load_model
from ..lexicon import (
    ABBREVIATIONS,
    COPULAS,
    FEELING_ADJECTIVES,
    HONORIFICS,
    LIKING_VERBS,
    MIND_NOUNS,
    PREDICTION_ADJECTIVES,
    THOUGHT_VERBS,
    VISIBLE_ACTION_VERBS,
    has_speech_verb,
    states_interior,
)

MAX_ACTION_WORDS = 24
_VISIBLE_WORDS = frozenset(VISIBLE_ACTION_VERBS)
_LETTERS = re.compile(r"[A-Za-z]+")
_ABBREVIATIONS = frozenset(a.lower() for a in (*HONORIFICS, *ABBREVIATIONS)) | frozenset(
    "messrs gen lt sgt esq jr sr no vol ch".split())
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9_])")
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
_SUBORDINATORS = frozenset("as when while whilst till until though although because if unless since after before "
                           "once whenever wherever".split())
_QUESTION_WORDS = frozenset("how what why whether who whom which that".split())


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
    """Without the spaces, a leading comma and the quotation marks of the quotations around the narration: the
    closing mark it starts with ("' he said") and the opening mark it ends with ("I stared at him. '")."""
    while a < b and (text[a].isspace() or text[a] in ",;:" or text[a] in _CLOSING and not text[a + 1:a + 2].isalnum()):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in _OPENING and (b - 1 == a or text[b - 2].isspace())):
        b -= 1
    return (a, b) if b > a else None


_OPENING = "'\"\u2018\u201c"
_CLOSING = "'\"\u2019\u201d"


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
        if clause is not None:
            clause = _without_state_before(clause)
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


_NEXT_PERSON = re.compile(r",\s+(?:and|but)\s+(?=(?:he|she|they|we|I)\b)")
_STATE = re.compile(r"\b(?:is|are|am|was|were|been|seems?|seemed|appears?|appeared|remains?|remained|becomes?|"
                    r"became|grows?|grew)\b", re.I)


def _without_state_before(clause: str) -> str:
    """Two clauses joined by ", and she ...": when the first states how someone or something is (a copula)
    and holds no visible action ("Nell was not at all frightened, and she climbed back"; "His face was
    worried, and he hurried off"), the second alone: a state is not filmed. Not a list of people ("Pellow, Ada, and I sat")."""
    joint = _NEXT_PERSON.search(clause)
    first = clause[:joint.start()] if joint else ""
    if joint is None or not _STATE.search(first) or visible_verb(first) is not None:
        return clause
    return clause[joint.end():]


def action_line(sentence: str, beside_dialogue: bool = False) -> str | None:
    """The sentence as a short present-tense action line, or None when no clause of it can be filmed."""
    clause = action_clause(sentence, beside_dialogue)
    return screen_lines([clause])[0] if clause else None


def action_clause(sentence: str, beside_dialogue: bool = False) -> str | None:
    """The sentence's filmable clause, shortened, as the book tells it (the tense not yet turned), or None."""
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
        clause = _finished(clause[:short])
    clause = clause.strip().rstrip(",;:.!?\u2014-").strip()
    clause = re.sub(r"^(?:and|but|so|then|yet|or)\s+", "", clause, flags=re.I)
    clause = clause[:1].upper() + clause[1:]
    if len(clause.split()) < 3 or is_residue(clause):
        return None
    return clause + "."


_LAST_ITEM = re.compile(r",\s+(?:and|or|nor)\s+(?:the|a|an|his|her|its|their|my|our|your|this|that|these|those|"
                        r"every|each|some|all|by|with|in|on|at|from|to)\s[^,]*$", re.I)


def _finished(piece: str) -> str:
    """A clause cut at a comma without the noun phrase the cut may leave unfinished: "... beside the vicar, and
    his short" (of "and his short, broad shadow") ends at "beside the vicar". A verb's item stays ("..., and examines the
    works"; "..., and this time it gives way"), as does an item with no visible action before it."""
    last = _LAST_ITEM.search(piece)
    if last is None or visible_verb(last.group(0)) or not visible_verb(piece[:last.start()]):
        return piece
    return piece[:last.start()]


def present_tense(clause: str) -> str:
    """'She rose and went to the window' -> 'She rises and goes to the window' (see `present_tenses`)."""
    return present_tenses([clause])[0]


def present_tenses(clauses: list[str]) -> list[str]:
    """Each clause told in the present tense, read with spaCy (one batch).

    Every finite verb in the past (tag VBD: 'rose', 'went', 'was', 'had') is turned, in every clause of the
    line (a screenplay is in the present throughout: 'as he listened' -> 'as he listens'); a participle is
    left as it is ('the lamp held high': tag VBD but a reduced relative, `acl`/`amod`; 'had gone' -> 'has
    gone'). The present form is made from the verb's lemma by the rule of English spelling (`third_person`);
    the lemma is spaCy's when it gives the word back as a regular past (`regular_past`), else the one the
    word's own spelling gives ('stared' -> 'stare', where the small model says 'star'), else spaCy's (an
    irregular verb: 'rose' -> 'rise'). The subject decides the person: 'I' (am), plural (they, we, you, a
    plural noun, two people joined by 'and', or a verb written 'were'), else the third person singular."""
    return [_present(doc) for doc in _parsed(clauses)]


def screen_lines(clauses: list[str]) -> list[str | None]:
    """Each clause told in the present tense (`present_tenses`), or None when its parse shows it states a
    feeling (`states_feeling`); one batch."""
    return [None if states_feeling(doc) else _present(doc) for doc in _parsed(clauses)]


def _parsed(clauses: list[str]):
    nlp = load_model("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
    return nlp.pipe(clauses, batch_size=256)


def states_feeling(doc) -> bool:
    """The parsed clause states what someone feels or thinks, in ways a list of words cannot tell from an
    action: a verb of liking ("she liked to sit", "he detests being alone": `lexicon.LIKING_VERBS`, as a verb,
    not "like" the preposition); a copula's adjective (or passive participle) of feeling ("she was glad", "he
    grew afraid", "she is puzzled": `lexicon.FEELING_ADJECTIVES`; "an angry sea" is not one); a copula's
    adjective that takes a that-clause ("he was certain that ...", "she is angry the door stands open"), whose
    subject is someone ("it is clear that ..." is not; nor "so tall that ..."); or, in the main clause
    (`_thinks`), a verb of thought in any inflection, a noun of the mind as its subject, or a prediction
    ("they are sure to doze off")."""
    for token in doc:
        if token.pos_ == "VERB" and _lemma(token) in LIKING_VERBS:
            return True
        if _predicate_adjective(token) and (token.text.lower() in FEELING_ADJECTIVES or _takes_that_clause(token)):
            return True
    return _thinks(doc)


_SUBORDINATE_DEPS = frozenset("advcl ccomp xcomp relcl acl csubj csubjpass pcomp parataxis".split())


def _thinks(doc) -> bool:
    """The clause says what goes on in a mind: a verb of thought in any inflection, by its lemma ("is just
    considering whether ...", "as he reads and slowly comprehends"; `lexicon.THOUGHT_VERBS`); in the main
    clause (its root and the words joined to it, not inside a subordinate clause), a noun of the mind (`lexicon.MIND_NOUNS`) as the root's subject, joined
    to the main clause or as the root of a verbless clause ("My pity goes out to him", "bursts into
    apologies and regrets", "Her dread of being left alone"); or a prediction, a copula with "sure",
    "bound", "likely" and an infinitive ("they are sure to doze off": what usually happens, not what is seen)."""
    for token in doc:
        if token.pos_ == "VERB" and _word_lemma(token) in THOUGHT_VERBS:
            return True
        if not (token.dep_ == "ROOT" or token.dep_ == "conj" and _in_main_clause(token)):
            continue
        if token.pos_ == "NOUN" and _word_lemma(token) in MIND_NOUNS:
            return True
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
        subjects += [c for s in subjects for c in s.children if c.dep_ == "conj"]
        if any(_word_lemma(s) in MIND_NOUNS for s in subjects):
            return True
        if _lemma(token) in COPULAS and any(c.dep_ == "acomp" and c.text.lower() in PREDICTION_ADJECTIVES and
                                            any(g.dep_ == "xcomp" for g in c.children) for c in token.children):
            return True
    return False


def _in_main_clause(token) -> bool:
    while token.dep_ != "ROOT" and token.head is not token:
        if token.dep_ in _SUBORDINATE_DEPS:
            return False
        token = token.head
    return True


def _word_lemma(token) -> str:
    """A noun's or verb's lemma, read off the word too where the small model leaves a plural or a form of
    its own ("Conjectures", "regrets")."""
    word = token.text.lower()
    lemma = _lemma(token) if token.pos_ in ("VERB", "AUX") else token.lemma_.lower()
    if lemma in THOUGHT_VERBS or lemma in MIND_NOUNS:
        return lemma
    for ending, back in (("ies", "y"), ("s", ""), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e")):
        if word.endswith(ending) and (word[:-len(ending)] + back) in (THOUGHT_VERBS | MIND_NOUNS):
            return word[:-len(ending)] + back
    return lemma


def feels(line: str) -> bool:
    """`states_feeling` of one line (parsed alone: for a few lines, such as a model's answer)."""
    return states_feeling(next(iter(_parsed([line]))))


def _predicate_adjective(token) -> bool:
    """An adjective after a copula ('was glad'), or a participle in the passive ('was surprised')."""
    if token.dep_ == "acomp" and token.head.pos_ in ("AUX", "VERB"):
        return _lemma(token.head) in COPULAS
    return token.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in token.children)


def _takes_that_clause(adjective) -> bool:
    if any(c.dep_ == "advmod" and c.text.lower() in ("so", "too", "such") for c in adjective.children):
        return False  # "so tall that he stoops": a result, not what he thinks
    subject = next((c for c in adjective.head.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.text.lower() in ("it", "this", "that", "there", "which", "what"):
        return False
    after = [*adjective.children, *(c for c in adjective.head.children if c.i > adjective.i)]  # either may hold it
    return any(c.dep_ == "ccomp" and any(g.dep_ == "nsubj" for g in c.children) for c in after)


def _present(doc) -> str:
    out = []
    for token in doc:
        word = token.text
        if _finite_past(token):
            word = _present_form(token)
        out.append(word + token.whitespace_)
    return "".join(out)


_PARTICIPLE_DEPS = frozenset({"acl", "amod"})
_MODAL_IDIOMS = frozenset({"better", "best", "rather", "sooner"})  # "you had better go": had is not past


def _finite_past(token) -> bool:
    """A verb in the simple past, which the line turns: tagged VBD, but not a participle (a reduced relative,
    or one after 'had'/'was' the tagger called VBD), nor 'had' of 'had better'; or tagged VBN where the small
    tagger confuses the two after a subject ('she practiced', 'he played or practiced'): a VBN with no
    auxiliary that has its own subject, or is joined to a past verb that is not a copula."""
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
    if token.tag_ == "VBD":
        if token.dep_ in _PARTICIPLE_DEPS or _has_auxiliary(token) or _shares_auxiliary(token, own_subject):
            return False
        return not (token.text.lower() == "had" and _modal_idiom(token))
    if token.tag_ != "VBN" or _has_auxiliary(token) or token.dep_ in _PARTICIPLE_DEPS:
        return False
    if own_subject:
        return token.dep_ in ("ROOT", "advcl", "relcl", "conj")  # not "found the door locked"
    head = token.head
    return (token.dep_ == "conj" and head.tag_ == "VBD" and _finite_past(head) and _lemma(head) not in COPULAS)


def _shares_auxiliary(token, own_subject: bool) -> bool:
    """A verb joined, without a subject of its own, to a participle after 'had': 'had walked in and sat down'
    (a participle the tagger called VBD; after 'was', 'were offended and wrote' is a past of its own)."""
    head = token.head
    return token.dep_ == "conj" and not own_subject and head.tag_ == "VBN" and _has_auxiliary(head, ("have",))


def _has_auxiliary(token, lemmas: tuple[str, ...] = ("have", "be")) -> bool:
    return any(c.dep_ in ("aux", "auxpass") and c.lemma_.lower() in lemmas for c in token.children)


def _modal_idiom(had) -> bool:
    """'had (not) better / best / rather / sooner (not)' before a verb: a modal, not the past of have."""
    following = [t for t in had.doc[had.i + 1:had.i + 5] if t.text.lower() not in ("not", "n't")]
    return len(following) >= 2 and following[0].text.lower() in _MODAL_IDIOMS and following[1].tag_ == "VB"
_BE = {"i": "am", "plural": "are", "singular": "is"}


def _present_form(token) -> str:
    person = _person(token)
    lemma = _lemma(token)
    if lemma == "be":
        form = _BE[person]
    elif person == "singular":
        form = third_person(lemma)
    else:
        form = lemma
    return form.capitalize() if token.text[:1].isupper() else form


def _lemma(token) -> str:
    """The verb's lemma (see `present_tenses`): spaCy's when it spells the word back, else the spelling's."""
    word, given = token.text.lower(), token.lemma_.lower()
    if word in ("was", "were"):
        return "be"
    if regular_past(given) == word or not word.endswith("ed"):
        return given
    for stem in (word[:-1], word[:-2], word[:-3], word[:-3] + "y"):  # hated, walked, stopped, hurried
        if stem and regular_past(stem) == word:
            return stem
    return given


def regular_past(lemma: str) -> str:
    """The past tense by the regular rule: 'hope' -> 'hoped', 'stop' -> 'stopped', 'carry' -> 'carried'."""
    if lemma.endswith("e"):
        return lemma + "d"
    if len(lemma) > 1 and lemma[-1] == "y" and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    if _short_stressed(lemma):
        return lemma + lemma[-1] + "ed"
    return lemma + "ed"


def _short_stressed(lemma: str) -> bool:
    """One syllable ending in a single vowel and a consonant (stop, grab; not rain, walk, row)."""
    vowels = [i for i, c in enumerate(lemma) if c in "aeiou"]
    return (len(vowels) == 1 and vowels[0] == len(lemma) - 2 and lemma[-1] not in "wxy"
            and not (len(lemma) > 2 and lemma[-3] == "q"))


def third_person(lemma: str) -> str:
    """The present tense, third person singular: 'go' -> 'goes', 'carry' -> 'carries', 'have' -> 'has'."""
    if lemma == "have":
        return "has"
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if len(lemma) > 1 and lemma[-1] == "y" and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _person(token) -> str:
    """'i', 'plural' or 'singular' for a past verb, from its subject (or the subject of the verb it joins)."""
    if token.text.lower() == "were":
        return "plural" if not _subject_is_i(token) else "i"
    verb = token
    for _ in range(4):
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            return _number(subject, verb)
        if verb.dep_ in ("conj", "aux", "auxpass") and verb.head is not verb:
            verb = verb.head
        else:
            break
    return "singular"


def _number(subject, verb) -> str:
    lower = subject.text.lower()
    if lower == "i":
        return "i"
    if lower in ("they", "we", "you") or subject.tag_ in ("NNS", "NNPS") or "Plur" in subject.morph.get("Number"):
        return "plural"
    if any(c.dep_ == "conj" for c in subject.children):
        return "plural"
    if any(c.text.lower() == "were" for c in verb.children if c.dep_ in ("aux", "auxpass")):
        return "plural"
    return "singular"


def _subject_is_i(token) -> bool:
    verb = token.head if token.dep_ in ("aux", "auxpass") else token
    return any(c.dep_.startswith("nsubj") and c.text.lower() == "i" for c in verb.children)
