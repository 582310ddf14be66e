"""Dialogue as data: each quotation carries its speech tag, the method that chose its speaker and a confidence;
the decoder's margins and the documented analysis hooks."""

from __future__ import annotations

import hashlib
import itertools

from filmsofone.analysis import analyze
from filmsofone.analysis.pipeline import AnalysisHooks
from filmsofone.analysis.speaker_decoder import (
    Position,
    best_sequence,
    best_sequence_with_margins,
    confidence,
    local_score,
    transition,
)
from filmsofone.models import BookText

from .stories import analyze_story

STORY = """CHAPTER I.

Ada Quill and her brother Tom Quill sat by the fire in the lamp room, and the old gentleman who kept the
light dozed in his chair by the door. Ada Quill looked at the glass. Tom Quill looked at the sea.

"The glass is falling," said Ada.

"Then the boats must come in," Tom replied.

"Will they hear the bell?" she whispered.

"They will hear it," said the old gentleman, waking.

"I hope so."

"So do I."

Ada Quill went to the window. Tom Quill went to the bell.

"Ring it now, Tom," said Ada Quill.
"""


def _quote(analysis, words: str):
    return next(q for q in analysis.quotes if STORY[q.spans[0][0] : q.spans[0][1]].startswith(words))


def test_each_quotation_records_its_tag_as_written():
    analysis = analyze_story(STORY)
    said = _quote(analysis, "The glass is falling").tag
    assert (said.kind, said.verb, said.who) == ("name", "said", "Ada")
    assert STORY[said.span[0] : said.span[1]] == "said Ada" and STORY[said.who_span[0] : said.who_span[1]] == "Ada"
    replied = _quote(analysis, "Then the boats").tag
    assert (replied.kind, replied.verb, replied.who) == ("name", "replied", "Tom")
    assert STORY[replied.span[0] : replied.span[1]] == "Tom replied"
    whispered = _quote(analysis, "Will they hear").tag
    assert (whispered.kind, whispered.verb, whispered.who) == ("pronoun", "whispered", "she")
    described = _quote(analysis, "They will hear it").tag
    assert described.kind == "descriptor" and described.verb == "said"
    assert STORY[described.who_span[0] : described.who_span[1]] == described.who == "the old gentleman"
    assert _quote(analysis, "I hope so").tag is None


def test_each_quotation_records_how_its_speaker_was_chosen_and_how_sure_that_is():
    analysis = analyze_story(STORY)
    named = _quote(analysis, "The glass is falling")
    untagged = _quote(analysis, "So do I")
    assert named.method == "explicit"
    assert analysis.character(named.speaker).name == "Ada Quill"
    assert untagged.tag is None and untagged.method in {"turn-taking", "decoder", "continued", "narration", "nearby"}
    assert all(0.0 <= q.confidence <= 1.0 for q in analysis.quotes)
    assert named.confidence > untagged.confidence  # a name in the tag is surer than taking turns
    assert named.confidence >= 0.8


def test_the_document_holds_the_new_fields():
    document = analyze_story(STORY).model_dump(mode="json")
    quote = document["quotes"][0]
    assert set(quote) >= {"tag", "method", "confidence"}
    assert set(quote["tag"]) == {"span", "verb", "who", "who_span", "kind"}


def test_the_hooks_see_the_recogniser_and_what_the_rules_hand_to_the_decoder():
    from filmsofone.analysis import nlp

    heard, asked = [], []

    def entities(text, spans, **kw):
        asked.append(len(spans))
        return nlp.entities(text, spans, **kw)

    def speaker_rules(index, quotes, guesses):
        heard.append((len(quotes), len(guesses.attributions), len(guesses.tags), len(guesses.addressees)))
        assert index.characters and all(tag is None or tag.kind for tag in guesses.tags)

    book = BookText(text=STORY, source_sha256=hashlib.sha256(STORY.encode()).hexdigest())
    analysis = analyze(book, slug="s", title="S", hooks=AnalysisHooks(entities=entities, speaker_rules=speaker_rules))
    assert asked and heard == [(len(analysis.quotes),) * 4]


# --- margins ----------------------------------------------------------------------------------------------

WEIGHTS = {"tag_name": 4.0, "talks": 1.0, "same|adjacent": -3.0, "alternate|adjacent|adjacent": 2.0}


def _run(*options):
    return [Position(k, list(o), "start" if k == 0 else "adjacent") for k, o in enumerate(options)]


def _brute_force(run, weights):
    """Every sequence's score (for checking the max-marginals on a small run)."""
    scores = {}
    for sequence in itertools.product(*[[who for who, _ in p.options] for p in run]):
        total = sum(local_score(dict(p.options)[who], weights) for p, who in zip(run, sequence))
        for k in range(1, len(run)):
            total += weights.get(transition(sequence[k - 2] if k >= 2 else None, sequence[k - 1], sequence[k],
                                            run[k].link, run[k - 1].link if k >= 2 else None), 0.0)
        scores[sequence] = total
    return scores


def test_margins_are_the_max_marginal_differences_of_the_search():
    run = _run([("ada", {"tag_name": 1.0}), ("ben", {})], [("ada", {}), ("ben", {"talks": 1.0}), ("cy", {})],
               [("ada", {}), ("ben", {}), ("cy", {"talks": 0.5})], [("ben", {"tag_name": 1.0}), ("cy", {})])
    sequence, margins = best_sequence_with_margins(run, WEIGHTS)
    assert sequence == best_sequence(run, WEIGHTS)
    scores = _brute_force(run, WEIGHTS)
    best = max(scores.values())
    assert list(max(scores, key=scores.get)) == sequence
    for k, who in enumerate(sequence):
        other = max(v for s, v in scores.items() if s[k] != who)
        assert abs(margins[k] - (best - other)) < 1e-9


def test_an_even_choice_has_no_margin_and_a_single_candidate_a_large_one():
    sequence, margins = best_sequence_with_margins(_run([("ada", {})], [("ben", {}), ("cy", {})]), {})
    assert margins[1] == 0.0 and margins[0] > 10
    assert confidence(0.0, (1.0, 0.0)) == 0.5
    assert confidence(margins[0], (1.0, 0.0)) > confidence(2.0, (1.0, 0.0)) > confidence(0.5, (1.0, 0.0))
