"""SpeakerDecoder: each quotation's speaker chosen jointly along each run of dialogue.

The rule-based `SpeakerAttributor` leaves one guess per quotation and plenty of evidence around it. The
decoder lists the plausible speakers of each quotation (the guess; the people talking around it; characters
named in the narration nearby; those the neighbouring turns address; those the name tags of the exchange give
the turns an even or odd number of turns away) and describes each candidate with a few local features ("named
just before the quotation", "of the pronoun's gender", "addressed by the turn before"...). Along a run of
dialogue, transition features score how speakers follow one another (a new paragraph is usually a new
speaker; in talk between two people the speaker before last speaks again), each also conjoined with a few of the
candidate's cues (a newcomer named in the narration just before, one who comes in, or the one the narration turns
to, breaks the alternation), with how the turn takes up the one before (a question answered "yes" or "no", "you"
answered by "I", a word taken up, a short reply; talk among three or more) and how the narration frames the two
(`beat_cues`: narration after the words before, narration opening this turn, a sentence broken off and taken up),
and with who talks with whom in this book (pairs
of speakers tagged by name in the same run, counted over the whole book before decoding, so the model adapts to
every book's couples). A second-order Viterbi search picks the best sequence
of speakers for the whole run at once, so one uncertain turn no longer decides all the turns after it.

The weights live in `speaker_weights.json`; `bench/train_speakers.py` fits them on annotated novels with an
averaged structured perceptron and prints leave-one-novel-out figures. Without weights the rules stand.

The decoder reads only what it is given: the `DialogueIndex` (text, paragraphs, characters, mentions) and the
rules' `RuleGuesses` (each quotation's guess, tag and addressees). Each quotation's confidence comes from the
margin between the best sequence and the best one giving that quotation another speaker (max-marginals of the
same Viterbi search), mapped through a logistic fitted on held-out books (`calibration` in the weights file)
that also reads the kind of evidence the quotation had (`calibration_inputs`).
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

from ..lexicon import HONORIFICS, alternation
from .conversation import DialogueIndex, link, mention_role, noun_gender, resumed_stories, runs
from .quotes import QuoteMatch

WEIGHTS_FILE = "speaker_weights.json"
WEIGHTS_ENV = "FILMSOFONE_SPEAKER_WEIGHTS"
_NEAR = 2500  # characters: how far "nearby" reaches
_STRONG = frozenset({"explicit", "anaphoric", "narration"})
# (a, b) of confidence = 1 / (1 + exp(-(a * log(1 + margin) + b))) when the weights file has no calibration of
# its own: fitted by bench/train_speakers.py on the 8 PDNC novels, each decoded with weights fitted without it
# (8,482 quotations; right 39% of the time under 0.3, 84% at 0.8-0.9, 98% above 0.95)
DEFAULT_CALIBRATION = (1.1065, -2.4492)
# the kinds of evidence the calibration tells apart (prefixes of a quotation's context, see `_context`)
_CALIBRATION_CONTEXTS = ("tag_name", "tag_pronoun", "tag_descriptor", "in_talk")
Calibration = tuple[float, float] | dict[str, float]
_SURE_MARGIN = 50.0  # the margin of a quotation with a single candidate


@dataclass
class Turn:
    """A quotation's neighbourhood: the quotations opening the turns (paragraphs) around it in its run."""

    before: list[tuple[int, bool]]  # earlier turns, nearest first: (quotation index, no narration between)
    after: list[tuple[int, bool]]  # later turns, the same
    same_paragraph: int | None  # an earlier quotation in the same paragraph (the same turn)


def load_weights() -> dict[str, float] | None:
    """The packaged weights (or those of the file named by FILMSOFONE_SPEAKER_WEIGHTS, which evaluations use
    to score a novel with weights fitted without it), or None when there are none."""
    document = _read_weights_file(os.environ.get(WEIGHTS_ENV) or None)
    return document["weights"] if document else None


def load_calibration() -> Calibration:
    """The logistic that turns a decoding margin into a confidence, from the weights file: its coefficients by
    `calibration_inputs` name, or (a, b) of an older file that reads the margin alone."""
    document = _read_weights_file(os.environ.get(WEIGHTS_ENV) or None)
    calibration = document.get("calibration", DEFAULT_CALIBRATION) if document else DEFAULT_CALIBRATION
    return dict(calibration) if isinstance(calibration, dict) else tuple(calibration)


@functools.cache
def _read_weights_file(path: str | None) -> dict | None:
    try:
        if path:
            text = Path(path).read_text(encoding="utf-8")
        else:
            text = resources.files("filmsofone.analysis").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return json.loads(text)


def margin_feature(margin: float) -> float:
    """What the calibration reads of a margin: log(1 + margin) (margins run from 0 to tens)."""
    return math.log1p(max(margin, 0.0))


def calibration_inputs(margin: float, features: dict[str, float]) -> dict[str, float]:
    """What the calibration reads of a decoded quotation, given its speaker's features: log(1 + margin), a bias,
    the kind of evidence the quotation had (a name, pronoun or descriptor tag, or a turn in a conversation) and
    whether its speaker is never named in a speech tag of the book (such a speaker is more often a wrong one)."""
    inputs = {"log_margin": margin_feature(margin), "bias": 1.0}
    context = next((name.split("|", 1)[1] for name in features if "|" in name), "")
    kind = next((kind for kind in _CALIBRATION_CONTEXTS if context.startswith(kind)), None)
    if kind:
        inputs[f"context_{kind}"] = 1.0
    if features.get("speaker_share", 1.0) == 0.0:
        inputs["never_tagged"] = 1.0
    return inputs


def confidence(margin: float, calibration: Calibration, features: dict[str, float] | None = None) -> float:
    """A decoding margin (and the chosen speaker's features) as a probability of being right."""
    return calibrated(calibration_inputs(margin, features or {}), calibration)


def calibrated(inputs: dict[str, float], calibration: Calibration) -> float:
    """1 / (1 + exp(-z)), z the calibration's coefficients times the `calibration_inputs` (or
    a * log(1 + margin) + b for an (a, b) calibration)."""
    if isinstance(calibration, dict):
        z = sum(calibration.get(name, 0.0) * value for name, value in inputs.items())
    else:
        a, b = calibration
        z = a * inputs["log_margin"] + b
    return round(1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z)))), 3)


class SpeakerDecoder:
    """`SpeakerDecoder(index, weights).decode(quotes, guesses) -> attributions`; `runs(...)` for training.

    `guesses` is the rules' `RuleGuesses` for `quotes`; `index` the `DialogueIndex` they were read with."""

    def __init__(self, index: DialogueIndex, weights: dict[str, float] | None,
                 calibration: Calibration | None = None):
        self.index = index
        self.weights = weights or {}
        self.calibration = calibration or load_calibration()
        top = max((len(c.mentions) for c in index.characters.values()), default=1)
        self.log_top = math.log1p(max(top, 1))

    def decode(self, quotes: list[QuoteMatch], guesses, progress=None) -> list:
        """The best speakers run by run, each with its confidence (the rules' guesses stand where there are no
        weights)."""
        results = guesses.attributions
        if not self.weights:
            return results
        chosen = list(results)
        total = sum(1 for i in range(len(quotes)) if not i or link(quotes[i - 1], quotes[i]) == "start")
        for n, run in enumerate(with_partners(list(self.runs(quotes, guesses))), 1):
            if progress is not None and n % 200 == 0:
                progress("speakers: following the talk", n, total)
            sequence, margins = best_sequence_with_margins(run, self.weights)
            for position, who, margin in zip(run, sequence, margins):
                old = results[position.index]
                features = next((f for candidate, f in position.options if candidate == who), {})
                sure = confidence(margin, self.calibration, features)
                if who is not None and who != old.speaker:
                    kind = "implicit" if old.kind not in _STRONG else old.kind
                    chosen[position.index] = replace(old, speaker=who, kind=kind, via="decoder", confidence=sure)
                else:
                    chosen[position.index] = replace(old, confidence=sure if old.speaker is not None else 0.0)
        return chosen

    def runs(self, quotes: list[QuoteMatch], guesses) -> Iterator[list[Position]]:
        """The quotations in runs of dialogue, each with its candidates and its link to the one before; one
        run at a time, so memory holds the candidates of the longest run, not of the book."""
        self._prepare(quotes, guesses.attributions)
        run: list[Position] = []
        for i, quote in enumerate(quotes):
            kind = link(quotes[i - 1], quote) if i else "start"
            if kind == "start" and run:
                yield run
                run = []
            options = self._options(i, quotes, guesses) or [(None, {"nobody": 1.0})]
            run.append(Position(i, options, kind, **self._exchange(i, quotes, kind)))
        if run:
            yield run

    # -- candidates and features -----------------------------------------------------------------------

    def _prepare(self, quotes: list[QuoteMatch], results: list) -> None:
        """What every quotation's features need: how much each character speaks, the turns around each."""
        self.tagged = Counter(r.speaker for r in results if r.kind == "explicit" and r.speaker)  # by name tags
        self.tagged_total = max(1, max(self.tagged.values(), default=1))
        self.turns = _turns(quotes)
        self.anchors = _anchors(quotes, results)
        self.run_tags = _run_tags(quotes, results)
        self.resumed = resumed_stories(quotes, [r.speaker for r in results], [r.tag is None for r in results])

    def _exchange(self, i: int, quotes: list[QuoteMatch], kind: str) -> dict:
        """How a turn takes up the one before, whoever speaks it (`Position.turn`)."""
        if kind in ("start", "same_paragraph"):
            return {}
        previous, quote = quotes[i - 1], quotes[i]
        tail = self.index.paragraphs[previous.paragraphs[-1]]
        head = self.index.paragraphs[quote.paragraphs[0]]
        beats = beat_cues(self.index.text, (previous.end, tail.end), (head.start, quote.start))
        return {"turn": turn_cues(self.index.text, previous, quote) + beats}

    def _options(self, i: int, quotes: list[QuoteMatch], guesses) -> list[tuple[str, dict[str, float]]]:
        """The candidate speakers of quotation `i` with their features."""
        results = guesses.attributions
        quote, result, turn = quotes[i], results[i], self.turns[i]
        tag = guesses.tags[i]
        narrator = self.index.narrator_at(quote.start)
        if tag is not None and tag.kind == "narrator" and narrator:
            # "said I" is the narrator, whatever follows: a tag that names its speaker, for the calibration
            return [(narrator, {"narrator_i_tag": 1.0, "narrator_i_tag|tag_name": 1.0})]
        if i in self.resumed:
            return [(self.resumed[i], {"story_resumed": 1.0})]  # a told story goes on in its teller's voice
        evidence: dict[str, dict[str, float]] = {}

        def add(who: str | None, feature: str, value: float = 1.0) -> None:
            if who and who in self.index.characters:
                evidence.setdefault(who, {})[feature] = max(value, evidence.get(who, {}).get(feature, 0.0))

        add(result.speaker, f"guess_{result.kind}")
        self._neighbours(guesses, turn, add)
        self._participants(i, quotes, results, add)
        self._narration(quote, add)
        if i and link(quotes[i - 1], quote) in ("adjacent", "gap"):
            self._narration_addressees(quotes[i - 1], quote, add)
        self._talk(i, add)
        if narrator and self._narrator_in_scene(i, quotes):
            add(narrator, "narrator_here")
        if tag is not None and tag.kind == "name":
            add(tag.who, "tag_name")
        gender = _tag_gender(tag)
        if tag is not None and tag.kind == "descriptor":
            add(self.index.descriptors.get(tag.who), "descriptor_known")
        if gender:
            cue = self.index.local_antecedent_cue(tag.position, gender, set())
            local = cue[0] if cue else None
            add(local, "local_antecedent")
            if cue and cue[1] == "own_subj":
                add(local, "local_antecedent_own_subj")  # the subject of the tag's own paragraph: the precise cue
            if local is None:
                add(self.index.chained_antecedent(tag.position, gender, set()), "chained_antecedent")
            for rank, who in enumerate(self.index.recent_named(quote.start, gender, set())[:3]):
                add(who, f"recent_{rank}")
        own_addressees = guesses.addressees[i]
        context = _context(tag, gender, turn)
        if tag is not None and tag.kind == "pronoun":
            evidence.pop(narrator, None)  # "he"/"she" is never the first-person narrator, who is "I"
        options = []
        for who, features in evidence.items():
            features = dict(features)
            self._describe(who, features, quote, own_addressees, gender, tag)
            features.update({f"{name}|{context}": value for name, value in list(features.items())})
            options.append((who, features))
        return options

    def _narrator_in_scene(self, i: int, quotes: list[QuoteMatch]) -> bool:
        """Whether the narration nearest before quotation `i` (within _NEAR) speaks of "I", "me" or "we": a
        first-person narrator who is in the scene, a candidate for its untagged turns even when no turn nearby
        went to them."""
        text, end = self.index.text, quotes[i].start
        for j in range(i, -1, -1):
            start = max(quotes[j - 1].end if j else 0, end - _NEAR)
            narration = text[start:quotes[j].start]
            if sum(c.isalpha() for c in narration) >= _NARRATION_LETTERS:
                return bool(_FIRST_PERSON_NARRATION.search(narration))
            if start <= end - _NEAR:
                return False
        return False

    def _neighbours(self, guesses, turn: Turn, add) -> None:
        """The people of the turns one and two before and after (as candidates), and whom the turns just
        before and after address."""
        for side, neighbours in (("prev", turn.before), ("next", turn.after)):
            for distance, (j, _) in enumerate(neighbours, 1):
                add(guesses.attributions[j].speaker, "near_turn")
                addressed = guesses.addressees[j]
                for who in addressed:
                    add(who, f"{side}{distance}_addressed" + ("_only" if len(addressed) == 1 else ""))

    def _participants(self, i: int, quotes: list[QuoteMatch], results: list, add) -> None:
        """Who else talks nearby (the distinct speakers of the quotations around, nearest first) and who is
        named in the text just before."""
        for side, indices in (("before", range(i - 1, max(-1, i - 12), -1)), ("after", range(i + 1, min(len(quotes), i + 12)))):
            seen: list[str] = []
            for j in indices:
                if abs(quotes[j].start - quotes[i].start) > _NEAR or len(seen) >= 4:
                    break
                who = results[j].speaker
                if who and who not in seen:
                    seen.append(who)
                    add(who, f"talks_{side}_{len(seen)}")
                if results[j].kind == "explicit":
                    add(who, f"tagged_{side}")
        named = [m[2] for m in reversed(self.index.mentions_in(max(0, quotes[i].start - _NEAR), quotes[i].start))
                 if m[2] in self.index.characters]
        for rank, who in enumerate(dict.fromkeys(named)):
            add(who, f"named_near_{min(rank, 3)}")

    def _talk(self, i: int, add) -> None:
        """Who the name tags of the talk point to: the nearest name-tagged turns an even and an odd number of
        turns away in the same exchange (in talk between two people the even ones are the same speaker), and
        who is tagged by name anywhere in the run (the two tagged most: the pair talking)."""
        anchors = self.anchors[i]
        for name, who in anchors.items():
            add(who, f"anchor_{name}")
        if anchors.get("even_before") and anchors.get("even_before") == anchors.get("even_after"):
            add(anchors["even_before"], "anchor_even_both")
        tagged = self.run_tags[i]
        for rank, (who, _) in enumerate(tagged.most_common()):
            add(who, "run_tagged")
            if rank < 2 and len(tagged) >= 2:
                add(who, "run_pair")

    def _narration(self, quote: QuoteMatch, add) -> None:
        """Characters named in the narration of the quotation's paragraph and of the paragraphs beside it,
        with the part each mention plays in its sentence (subject, possessive, other)."""
        a = self.index
        para_index = a.paragraph_index(quote.start)
        para = a.paragraphs[para_index]
        before = self._named(para.start, quote.start - 1)
        for rank, (who, role) in enumerate(before):
            add(who, "named_before_first" if rank == 0 else "named_before")
            add(who, f"named_before_{role}")
        if before:
            add(before[-1][0], "named_before_last")
        last_para = a.paragraph_index(quote.end)
        tail = a.paragraphs[last_para]
        after = self._named(quote.end + 1, min(tail.end, quote.end + 200))
        if after:
            add(after[0][0], "named_after_first")
            add(after[0][0], f"named_after_{after[0][1]}")
        if para_index > 0:
            previous = a.paragraphs[para_index - 1]
            if not a.inside.any_between(previous.start, previous.end):
                named = self._named(previous.start, previous.end)
                for who, role in named:
                    add(who, "prev_para_named")
                    add(who, f"prev_para_{role}")
                if named:
                    add(named[-1][0], "prev_para_last")
                    add(named[0][0], "prev_para_first")
        if last_para + 1 < len(a.paragraphs):
            following = a.paragraphs[last_para + 1]
            if not a.inside.any_between(following.start, following.end):
                named = self._named(following.start, following.end)
                if named:
                    add(named[0][0], "next_para_first")

    def _narration_addressees(self, previous: QuoteMatch, quote: QuoteMatch, add) -> None:
        """Whom the narration turns to: "Ada turned to Nell", "said Ada, looking at Nell", "Ada thanked Nell" in the
        paragraph of the turn before or in a narration paragraph since ('narration_addressed': likely to
        answer), or before the quotation in its own paragraph ('beat_addressed': likely spoken to)."""
        a = self.index
        own = a.paragraphs[a.paragraph_index(quote.start)]
        start = a.paragraphs[a.paragraph_index(previous.start)].start
        for s, e, who in a.mentions_in(start, quote.start):
            if who in a.characters and _ADDRESSED.search(a.text, max(0, s - 40), s):
                add(who, "beat_addressed" if s >= own.start else "narration_addressed")
            if who in a.characters and s > previous.end and _ARRIVES.match(a.text, e, min(e + 60, quote.start)):
                add(who, "arrived")  # "Nell came in.": a newcomer to the talk, who often speaks next

    def _named(self, start: int, end: int) -> list[tuple[str, str]]:
        """Characters named in narration `text[start:end]`, in order, each with its role in the sentence."""
        return [(who, mention_role(self.index.text, s, e)) for s, e, who in self.index.mentions_in(start, end)
                if who in self.index.characters]

    def _describe(self, who: str, features: dict[str, float], quote: QuoteMatch, own_addressees: set[str], gender, tag) -> None:
        """Features of the candidate itself: gender against the tag, addressed, named inside, prominence."""
        character = self.index.characters[who]
        if gender and character.gender in ("male", "female"):
            features["gender_match" if character.gender == gender else "gender_mismatch"] = 1.0
            if character.gender == gender and features.get("prev1_addressed_only"):
                features["gender_match_and_addressed"] = 1.0  # '"..., Mr. Pellow?" / "No," he said'
            if character.gender == gender and features.get("local_antecedent"):
                features["gender_match_and_local"] = 1.0
        if who in own_addressees:
            features["addressed_here"] = 1.0
        if self.index.named_inside(who, quote):
            features["named_inside"] = 1.0
        if character.narrator and who == self.index.narrator_at(quote.start):
            features["narrator_i_tag" if tag is not None and tag.kind == "narrator" else "narrator"] = 1.0
        features["prominence"] = math.log1p(len(character.mentions)) / self.log_top
        features["speaker_share"] = self.tagged.get(who, 0) / self.tagged_total


@dataclass
class Position:
    """One quotation of a run: its candidates (speaker id, local features) and how it follows the previous
    quotation ("start" of a run, "same_paragraph", "adjacent" paragraph, or after a narration "gap")."""

    index: int
    options: list[tuple[str | None, dict[str, float]]]
    link: str
    partners: dict[str, Counter] | None = None  # the book's pairs of name-tagged speakers (`book_partners`)
    turn: tuple[str, ...] = ()  # how this turn answers the one before (`turn_cues`), for any speaker

    @functools.cached_property
    def cues(self) -> dict[str | None, tuple[str, ...]]:
        """Each candidate's local features that the transitions are conjoined with (`_EDGE_CUES`)."""
        return {who: tuple(c for c in _EDGE_CUES if c in features) for who, features in self.options}

    @functools.cached_property
    def exchange(self) -> tuple[str, ...]:
        """The `turn` cues, with 'crowd' for a new turn of a run in which three or more people are tagged by
        name (talk among several, where the one before last is less often the one who speaks)."""
        crowd = self.link in ("adjacent", "gap") and sum(1 for who, f in self.options if who and f.get("run_tagged")) >= 3
        return self.turn + (("crowd",) if crowd else ())

    @functools.cached_property
    def addressed(self) -> frozenset[str]:
        """The candidates this quotation addresses by name."""
        return frozenset(who for who, features in self.options if who and features.get("addressed_here"))


# local features whose weight depends on how the speaker follows the ones before: a new speaker named in the
# narration just before, a speaker the turn before addressed, one the name tags of the exchange point to
_EDGE_CUES = ("named_before_first", "named_before_subj", "prev_para_last", "prev_para_subj", "prev_para_named",
              "named_near_0", "prev1_addressed", "next1_addressed", "anchor_even_before", "anchor_odd_before",
              "run_pair", "tag_name", "narration_addressed", "beat_addressed", "arrived")


def book_partners(runs: list[list[Position]]) -> dict[str, Counter]:
    """Who talks with whom in this book: for each speaker, in how many runs of dialogue each other speaker is
    tagged by name along with them (read from the rules' name-tagged guesses, so it adapts to every book)."""
    partners: dict[str, Counter] = {}
    for run in runs:
        tagged = {who for p in run for who, f in p.options if who and f.get("guess_explicit")}
        for who in tagged:
            partners.setdefault(who, Counter()).update(tagged - {who})
    return partners


def with_partners(runs: list[list[Position]]) -> list[list[Position]]:
    """The runs of one book, each position carrying the book's `book_partners`."""
    partners = book_partners(runs)
    return [[replace(p, partners=partners) for p in run] for run in runs]


def _pair(partners: dict[str, Counter] | None, before: str | None, who: str | None) -> str | None:
    """How `who` pairs with the speaker `before` in the book's talk: 'pair_top' (their usual partner),
    'pair' (tagged together in some run), 'pair_never' (both tagged, never together), or None."""
    if not partners or before is None or who is None or before == who:
        return None
    mine, theirs = partners.get(who), partners.get(before)
    if not mine or not theirs:
        return None
    if mine.get(before):
        return "pair_top" if mine.most_common(1)[0][1] == mine[before] else "pair"
    return "pair_never"


def edge_features(position: Position, before2: str | None, before1: str | None, who: str | None,
                  link2: str | None) -> list[str]:
    """The transition features of `who` speaking at `position` after `before2`, `before1`: the transition, its
    kind (same/alternate/new) conjoined with the candidate's cues and with how it pairs with `before1`."""
    kind = _kind(before2, before1, who, link2)
    names = [_transition_names(position.link, link2)[kind]] + [f"{kind}|{position.link}&{cue}" for cue in position.cues.get(who, ())]
    pair = _pair(position.partners, before1, who)
    if pair:
        names.append(f"{kind}|{pair}")
    if before1 is not None and before1 != who and before1 in position.addressed:
        names.append(f"{kind}|addresses_before")  # '"..., Ada?"' answering Ada
    names += [f"{kind}|turn&{cue}" for cue in position.exchange]
    return names


def transition(before2: str | None, before1: str | None, who: str | None, link1: str, link2: str | None) -> str:
    """The name of the transition feature for a speaker following the two before it."""
    return _transition_names(link1, link2)[_kind(before2, before1, who, link2)]


def _kind(before2: str | None, before1: str | None, who: str | None, link2: str | None) -> str:
    """'same' (the speaker before again), 'alternate' (the one before that) or 'new'."""
    if who is not None and who == before1:
        return "same"
    if who is not None and link2 is not None and who == before2:
        return "alternate"
    return "new"


def _transition_names(link1: str, link2: str | None) -> dict[str, str]:
    """The transition feature of each kind, for the links to the turn before and the one before that."""
    return {"same": f"same|{link1}", "alternate": f"alternate|{link1}|{link2}",
            "new": f"new|{link1}" + ("" if link2 is not None else "|second")}


def local_score(features: dict[str, float], weights: dict[str, float]) -> float:
    return sum(weights.get(name, 0.0) * value for name, value in features.items())


def best_sequence(run: list[Position], weights: dict[str, float], allowed: list[set | None] | None = None,
                  beam: int = 6) -> list[str | None]:
    """The highest-scoring speakers for a run (second-order Viterbi over each quotation's best candidates);
    `allowed` restricts positions to some candidates (training)."""
    return _backtrack(_forward(run, weights, allowed, beam)[1])


def _backtrack(table: list[dict]) -> list[str | None]:
    state = max(table[-1], key=lambda key: table[-1][key][0])
    sequence = []
    for k in range(len(table) - 1, -1, -1):
        sequence.append(state[1])
        state = table[k][state][1]
    return sequence[::-1]


def best_sequence_with_margins(run: list[Position], weights: dict[str, float],
                               beam: int = 6) -> tuple[list[str | None], list[float]]:
    """The best sequence, and for each quotation the margin by which its speaker wins: the score of the best
    sequence less that of the best sequence giving the quotation someone else (max-marginals)."""
    options, table = _forward(run, weights, None, beam)
    after = _backward(run, weights, options)
    sequence, margins = _backtrack(table), []
    for k, chosen in enumerate(sequence):
        best: dict[str | None, float] = {}
        for state, (score, _) in table[k].items():
            value = score + after[k][state]
            if state[1] not in best or value > best[state[1]]:
                best[state[1]] = value
        others = [value for who, value in best.items() if who != chosen]
        margins.append(best[chosen] - max(others) if others else _SURE_MARGIN)
    return sequence, margins


def _forward(run: list[Position], weights: dict[str, float], allowed, beam: int):
    """Each quotation's best candidates (score, who), and the Viterbi table: for each quotation, state
    (speaker before, speaker now) -> (best score of the run up to it, back-pointer state)."""
    options = []
    for k, position in enumerate(run):
        scored = [(local_score(f, weights), who) for who, f in position.options]
        if allowed and allowed[k]:
            scored = [x for x in scored if x[1] in allowed[k]] or scored
        scored.sort(key=lambda x: -x[0])
        options.append(scored[:beam])
    table = [{(None, who): (score, None) for score, who in options[0]}]
    for k in range(1, len(run)):
        link2 = run[k - 1].link if k >= 2 else None
        edge = _edge_scorer(run[k], weights, link2)
        row = {}
        for (before2, before1), (total, _) in table[-1].items():
            for score, who in options[k]:
                value = total + score + edge(before2, before1, who)
                key = (before1, who)
                if key not in row or value > row[key][0]:
                    row[key] = (value, (before2, before1))
        table.append(row)
    return options, table


def _backward(run: list[Position], weights: dict[str, float], options) -> list[dict]:
    """For each quotation and state (speaker before, speaker now): the best score of the rest of the run."""
    after: list[dict] = [{} for _ in run]
    last = len(run) - 1
    states = [{(b, w) for b in ([None] if k == 0 else [w for _, w in options[k - 1]]) for _, w in options[k]}
              for k in range(len(run))]
    after[last] = {state: 0.0 for state in states[last]}
    for k in range(last - 1, -1, -1):
        edge = _edge_scorer(run[k + 1], weights, run[k].link if k + 1 >= 2 else None)
        for before1, who in states[k]:
            after[k][(before1, who)] = max(
                score + edge(before1, who, nxt) + after[k + 1][(who, nxt)]
                for score, nxt in options[k + 1]
            )
    return after


def sequence_features(run: list[Position], sequence: list[str | None]) -> dict[str, float]:
    """All the features (local and transition) of a run labelled with `sequence`."""
    total: dict[str, float] = {}
    for k, (position, who) in enumerate(zip(run, sequence)):
        features = next((f for w, f in position.options if w == who), {})
        for name, value in features.items():
            total[name] = total.get(name, 0.0) + value
        if k:
            for name in edge_features(position, sequence[k - 2] if k >= 2 else None, sequence[k - 1], who,
                                      run[k - 1].link if k >= 2 else None):
                total[name] = total.get(name, 0.0) + 1.0
    return total


def _edge_scorer(position: Position, weights: dict[str, float], link2: str | None):
    """score(before2, before1, who) of the `edge_features` at `position` (what does not depend on the speakers
    before summed once per candidate and kind; how two speakers pair looked up once per pair)."""
    link1, kinds = position.link, ("same", "alternate", "new")
    base = {kind: weights.get(name, 0.0) + sum(weights.get(f"{kind}|turn&{cue}", 0.0) for cue in position.exchange)
            for kind, name in _transition_names(link1, link2).items()}
    by_kind = {who: {kind: base[kind] + sum(weights.get(f"{kind}|{link1}&{cue}", 0.0) for cue in cues)
                     for kind in kinds} for who, cues in position.cues.items()}
    partners, pairs, addressed = position.partners, {}, position.addressed
    answering = {kind: weights.get(f"{kind}|addresses_before", 0.0) for kind in kinds}

    def score(before2: str | None, before1: str | None, who: str | None) -> float:
        kind = _kind(before2, before1, who, link2)
        value = by_kind[who][kind] if who in by_kind else base[kind]
        if partners and kind != "same":
            key = (before1, who, kind)
            if key not in pairs:
                pair = _pair(partners, before1, who)
                pairs[key] = weights.get(f"{kind}|{pair}", 0.0) if pair else 0.0
            value += pairs[key]
        if before1 in addressed and kind != "same":
            value += answering[kind]
        return value

    return score


# the words before a name that make it the one spoken to: "turned to", "looking at", "told", "thanked" (never
# "asked Nell", which is as often an inverted tag: Nell asks)
_ADDRESSED = re.compile(
    r"\b(?:(?:turn|look|glanc|appeal|nodd?|bow|smil|speak|spoke|said|say|whisper|call|cr(?:y|ie)|repl(?:y|ie)|"
    r"answer|add|shout|murmur|stare|gaz|beckon|wink|frown|laugh|point|motion|lean|bend|bent|sign|gesture|wave)"
    r"[a-z]*\s+(?:(?:round|back|again|quickly|slowly|sharply|suddenly|now|then|gravely|gently)\s+)?"
    r"(?:to|towards?|at|upon)\s+|"
    r"\b(?:address|told|tell|bade|bid|implor|entreat|assur|inform|remind|urg|invit|greet|hail|thank)[a-z]*\s+)"
    rf"(?:(?:poor|little|old|young|dear|good)\s+)?(?:(?:{alternation(HONORIFICS)})\.?\s+)?$"
)
# a person who comes into the scene: "Nell came in", "Osric, breathless, entered", "Mrs. Tolley appeared at the door"
_ARRIVES = re.compile(
    r"(?:,[^,.;:!?\n]{1,30},)?\s+(?:(?:had|has|now|then|just|suddenly|presently|at\s+last)\s+)*"
    r"(?:came|comes|come|entered|enters|appeared|appears|arrived|arrives|returned|returns|joined|joins|"
    r"(?:walked|ran|rushed|burst|stepped|hurried|strolled|looked|put\s+(?:his|her)\s+head)\s+(?:in|into|up|back|out)\b|"
    r"made\s+(?:his|her)\s+appearance|was\s+(?:shown|ushered)\s+in)\b"
)


# first words of a reply: an answer ("Yes, ...", "No.") or an interjection that takes up what was said ("Oh, ...")
_ANSWER_WORDS = frozenset("yes no nay aye yea certainly indeed surely exactly quite not never nothing perhaps "
                          "maybe sure right true".split())
_TAKE_UP_WORDS = frozenset("oh o ah ay well why what how nonsense pooh hm hum alas bah".split())
_COMMON = _ANSWER_WORDS | _TAKE_UP_WORDS | frozenset(
    "that this what when where which have there then them they their with your yours from will would shall "
    "should could must been were here very only just into upon about some more much such than".split())
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|thou|thee|thy)\b", re.I)
_FIRST_PERSON_NARRATION = re.compile(r"\b(?:I|me|my|myself|we|us|our)\b")
_NARRATION_LETTERS = 20  # a stretch of narration, not just a tag's "said" between two quotations
_FIRST_PERSON_START = re.compile(r"\W*(?:I|I'm|I’m|I've|I’ve|I'll|I’ll|I'd|I’d|me|my|we|our)\b")


def turn_cues(text: str, previous: QuoteMatch, quote: QuoteMatch) -> tuple[str, ...]:
    """How `quote` takes up the quotation before it, whoever speaks: 'asked' (that one ended on a question),
    'answer' / 'take_up' (this one opens with yes/no/indeed... or oh/well/why...), 'answer_to_question' (both),
    'you_asked_i' (a question with "you" answered by "I"/"my"/"we"...), 'you_here' (this one opens on "you"),
    'echo' (it takes up a word of the end of the one before), 'short' (at most three words), 'short_before'
    (the one before was)."""
    before = text[previous.spans[-1][0] : previous.spans[-1][1]].rstrip(" \n\t—–-_'’\"”")
    here = text[quote.spans[0][0] : quote.spans[0][1]]
    words = [w.lower() for w in _WORD.findall(here[:80])]
    first = words[0] if words else ""
    cues = []
    asked = before.endswith("?")
    if asked:
        cues.append("asked")
    if first in _ANSWER_WORDS:
        cues.append("answer")
    elif first in _TAKE_UP_WORDS:
        cues.append("take_up")
    if asked and first in _ANSWER_WORDS | _TAKE_UP_WORDS:
        cues.append("answer_to_question")
    if asked and _SECOND_PERSON.search(before[-160:]) and _FIRST_PERSON_START.match(here):
        cues.append("you_asked_i")
    if _SECOND_PERSON.match(here.lstrip(" —–-'‘\"“(")) or (len(words) > 1 and first in _ANSWER_WORDS | _TAKE_UP_WORDS
                                                           and words[1] in ("you", "your")):
        cues.append("you_here")
    if _echoes(words, before):
        cues.append("echo")
    if sum(len(_WORD.findall(text[s:e])) for s, e in quote.spans) <= 3:
        cues.append("short")
    if sum(len(_WORD.findall(text[s:e])) for s, e in previous.spans) <= 3:
        cues.append("short_before")
    return tuple(cues)


_WORDS_OF_A_BEAT = 4  # words of narration after a quotation beyond which it is more than a speech tag


def beat_cues(text: str, after_previous: tuple[int, int], before_here: tuple[int, int]) -> tuple[str, ...]:
    """How the narration frames two turns, whoever speaks: 'beat_before' (the turn before goes on in narration
    after its quotation: '"..." He returned to his work.'), 'lead_here' (this paragraph opens with narration
    before its quotation), 'interrupted' (the turn before breaks off on a dash), 'continues' (this one takes up
    a broken sentence: it opens with a dash, dots or a small letter)."""
    cues = []
    trailing = text[after_previous[0] : after_previous[1]]
    if len(_WORD.findall(trailing)) > _WORDS_OF_A_BEAT:
        cues.append("beat_before")
    if len(_WORD.findall(text[before_here[0] : before_here[1]])) >= 2:
        cues.append("lead_here")
    if re.search(r"(?:--|[—–]|\.\.\.|…)\s*$", text[max(0, after_previous[0] - 4) : after_previous[0]]):
        cues.append("interrupted")
    if re.match(r"\s*(?:--|[—–]|\.\.\.|…|[a-z])", text[before_here[1] : before_here[1] + 4]):
        cues.append("continues")
    return tuple(cues)


def _echoes(words: list[str], before: str) -> bool:
    """Does a turn open by taking up a word of the end of the one before ("Poor girl!" / "Poor girl? I...")?"""
    said = {w.lower() for w in _WORD.findall(before[-200:])}
    return any(w in said for w in words[:3] if len(w) >= 4 and w not in _COMMON)


def _context(tag, gender: str | None, turn: Turn) -> str:
    """What kind of evidence the quotation has: its tag, or its place in the talk when it has none."""
    if tag is not None:
        return f"tag_{tag.kind}" + ("_gendered" if gender else "")
    if turn.same_paragraph is not None:
        return "same_paragraph"
    if turn.before and turn.before[0][1]:
        return "in_talk"
    return "opening"


def _tag_gender(tag) -> str | None:
    if tag is None:
        return None
    if tag.kind == "pronoun":
        return {"he": "male", "she": "female"}.get(tag.who)
    if tag.kind == "descriptor":
        return noun_gender(tag.who)
    return None


def _turns(quotes: list[QuoteMatch]) -> list[Turn]:
    """Each quotation's neighbouring turns within its run of dialogue (at most one narration paragraph
    between two turns of a run)."""
    heads: list[int] = []  # the first quotation of each turn, in order
    head_of: list[int] = []  # for each quotation, its turn's position in `heads`
    for i, quote in enumerate(quotes):
        if not heads or link(quotes[i - 1], quote) != "same_paragraph":
            heads.append(i)
        head_of.append(len(heads) - 1)
    turns = []
    for i in range(len(quotes)):
        k = head_of[i]
        same = i - 1 if heads[k] != i else None
        turns.append(Turn(_walk(quotes, heads, k, -1), _walk(quotes, heads, k, 1), same))
    return turns


_ANCHOR_REACH = 8  # turns: how far the name tags of an exchange are looked for


def _anchors(quotes: list[QuoteMatch], results: list) -> list[dict[str, str]]:
    """For each quotation, the speakers of the nearest name-tagged turns at an even and an odd distance before
    and after it, over turns in adjacent paragraphs only (narration between ends the exchange):
    {"even_before": id, "odd_after": id, ...}."""
    heads = [i for i in range(len(quotes)) if not i or link(quotes[i - 1], quotes[i]) != "same_paragraph"]
    tagged = []  # per turn: the speaker of its first name-tagged quotation, or None
    for k, head in enumerate(heads):
        end = heads[k + 1] if k + 1 < len(heads) else len(quotes)
        tagged.append(next((results[j].speaker for j in range(head, end) if _tagged(results[j])), None))
    per_turn = []
    for k in range(len(heads)):
        found: dict[str, str] = {}
        for side, step in (("before", -1), ("after", 1)):
            position = k
            for distance in range(1, _ANCHOR_REACH + 1):
                nxt = position + step
                if not 0 <= nxt < len(heads):
                    break
                first, second = (heads[nxt], heads[position]) if step < 0 else (heads[position], heads[nxt])
                if link(quotes[first], quotes[second]) != "adjacent":
                    break
                position = nxt
                key = f"{'even' if distance % 2 == 0 else 'odd'}_{side}"
                if tagged[position] and key not in found:
                    found[key] = tagged[position]
        per_turn.append(found)
    out, k = [], -1
    for i in range(len(quotes)):
        if k + 1 < len(heads) and heads[k + 1] == i:
            k += 1
        out.append(per_turn[k])
    return out


def _run_tags(quotes: list[QuoteMatch], results: list) -> list[Counter]:
    """For each quotation, how often each speaker is tagged by name in its run of dialogue."""
    out: list[Counter] = [Counter() for _ in quotes]
    for run in runs(quotes):
        counts = Counter(results[i].speaker for i in run if _tagged(results[i]) and results[i].speaker)
        for i in run:
            out[i] = counts
    return out


def _tagged(result) -> bool:
    """Does the quotation's tag say who speaks: a name, or "said I" in a first-person book (the rules give it
    to the narrator)?"""
    return result.kind == "explicit" or (result.kind == "anaphoric" and result.tag is not None and result.tag.kind == "narrator")


def _walk(quotes: list[QuoteMatch], heads: list[int], k: int, step: int) -> list[tuple[int, bool]]:
    """Up to two turns from turn `k` in direction `step`: (quotation index, no narration between)."""
    out: list[tuple[int, bool]] = []
    contiguous, position, last = True, k + step, quotes[heads[k]]
    while 0 <= position < len(heads) and len(out) < 2:
        other = quotes[heads[position]]
        kind = link(other, last) if step < 0 else link(last, other)
        if kind == "start":
            break
        contiguous = contiguous and kind == "adjacent"
        out.append((heads[position], contiguous))
        last, position = other, position + step
    return out
