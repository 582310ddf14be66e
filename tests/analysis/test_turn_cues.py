"""Untagged turns: how a turn takes up the one before (a question answered, "you" answered by "I", a word taken
up, talk among three), who the narration between two turns names, whom the turn before addressed, and whom the
narration turns to."""

import re
from dataclasses import replace

from filmsofone.analysis.characters import CharacterCluster
from filmsofone.analysis.conversation import DialogueIndex
from filmsofone.analysis.quotes import QuoteFinder
from filmsofone.analysis.speaker_decoder import (
    Position,
    SpeakerDecoder,
    best_sequence,
    edge_features,
    sequence_features,
    turn_cues,
)
from filmsofone.analysis.speakers import Attribution, RuleGuesses
from filmsofone.analysis.text import paragraphs


def _quotes(text: str):
    return QuoteFinder().find(text, paragraphs(text, 0, len(text)))


def _cues(text: str) -> list[tuple[str, ...]]:
    quotes = _quotes(text)
    return [turn_cues(text, a, b) for a, b in zip(quotes, quotes[1:])]


def test_a_question_answered_yes_or_no_is_an_answer_to_a_question():
    cues = _cues('"Is the mill shut, Nell?"\n\n"No, it is open till six."\n\n"Then I shall go down."\n')
    assert {"asked", "answer", "answer_to_question"} <= set(cues[0])
    assert "asked" not in cues[1] and "answer" not in cues[1]  # a statement after an answer


def test_a_question_to_you_answered_with_i_and_an_interjection_taking_it_up():
    cues = _cues('"Will you walk with us to the weir?"\n\n"I would rather stay and read."\n\n'
                 '"Well, you must please yourself."\n')
    assert "you_asked_i" in cues[0] and "answer_to_question" not in cues[0]
    assert "take_up" in cues[1] and "you_here" in cues[1]


def test_short_turns_are_marked_on_both_sides():
    cues = _cues('"Gone?"\n\n"Gone since the morning, with the grey mare and the cart."\n')
    assert "short_before" in cues[0] and "asked" in cues[0]
    assert "short" not in cues[0]


def _index(text: str, names: dict[str, str]) -> DialogueIndex:
    clusters = [CharacterCluster(name=n, aliases={n}, gender=g, id=n.lower(),
                                 mentions=[m.span() for m in re.finditer(n, text)]) for n, g in names.items()]
    paras = paragraphs(text, 0, len(text))
    return DialogueIndex(text, paras, clusters, QuoteFinder().find(text, paras))


def _positions(text: str, names: dict[str, str], addressees=None) -> list[Position]:
    index = _index(text, names)
    quotes = _quotes(text)
    found = addressees or [index.addressees(q) for q in quotes]
    guesses = RuleGuesses([Attribution(None, "none") for _ in quotes], [None] * len(quotes), found)
    return [p for run in SpeakerDecoder(index, None).runs(quotes, guesses) for p in run]


PEOPLE = {"Osric": "male", "Nell": "female", "Marden": "male"}


def test_each_new_turn_carries_how_it_takes_up_the_one_before():
    text = ('"Shall we go, Nell?"\n\n"No, not till the rain stops."\n\nThe door opened and Marden came in.\n\n'
            '"Stops? Has the cart not waited an hour?"\n\n"Then it may wait," said Osric, "a little more."\n')
    positions = _positions(text, PEOPLE)
    assert positions[0].turn == ()  # the first of a run takes up nothing
    assert "asked" in positions[1].turn and "answer" in positions[1].turn
    assert positions[2].link == "gap" and "echo" in positions[2].turn
    assert "asked" in positions[3].turn


def test_talk_among_three_named_people_is_a_crowd():
    text = ('"Come in," said Osric.\n\n"We are here," said Nell.\n\n"All of us," said Marden.\n\n"Sit down."\n')
    index = _index(text, PEOPLE)
    quotes = _quotes(text)
    tagged = {0: "osric", 1: "nell", 2: "marden"}
    guesses = RuleGuesses([Attribution(tagged.get(k), "explicit" if k in tagged else "none") for k in range(4)],
                          [None] * 4, [set() for _ in quotes])
    run = next(iter(SpeakerDecoder(index, None).runs(quotes, guesses)))
    assert "crowd" in run[3].exchange
    two = [replace(p, options=[(w, f) for w, f in p.options if w != "marden"]) for p in run]
    assert "crowd" not in two[3].exchange  # two people talking
    assert "alternate|turn&crowd" in edge_features(run[3], "nell", "marden", "nell", run[2].link)


def test_whom_the_narration_turns_to_is_a_candidate_cue():
    text = ('"The river is high," said Osric, turning to Nell.\n\n"Then we wait."\n\n'
            'Marden looked at Osric. "And the horses?"\n')
    run = _positions(text, PEOPLE)
    second = {who: f for who, f in run[1].options}
    assert second["nell"].get("narration_addressed") == 1.0
    assert "narration_addressed" not in second.get("osric", {})
    third = {who: f for who, f in run[2].options}
    assert third["osric"].get("beat_addressed") == 1.0
    assert "beat_addressed" not in third["marden"]


def test_a_question_answered_goes_back_to_the_one_before_last():
    """Osric and Nell talk; the third turn answers Nell's question: the one before last answers, not a newcomer."""
    both = [("osric", {}), ("nell", {}), ("marden", {})]
    run = [Position(0, [("osric", {"tag_name": 1.0})], "start"), Position(1, [("nell", {"tag_name": 1.0})], "adjacent"),
           Position(2, list(both), "adjacent", turn=("asked", "answer_to_question"))]
    weights = {"tag_name": 10.0, "same|adjacent": -3.0, "alternate|adjacent|adjacent": 0.5, "new|adjacent": 1.0}
    assert best_sequence(run, weights)[2] == "marden"
    weights["alternate|turn&answer_to_question"] = 2.0
    assert best_sequence(run, weights)[2] == "osric"
    assert sequence_features(run, ["osric", "nell", "osric"])["alternate|turn&answer_to_question"] == 1.0
    assert "new|turn&asked" in sequence_features(run, ["osric", "nell", "marden"])


def test_the_narration_framing_two_turns_is_a_turn_cue():
    text = ('"The mill is shut," said Osric. He turned back to the ledger and wrote a long while.\n\n'
            '"Then I shall go to the weir--"\n\n"--and come back wet," said Nell.\n\n'
            'Nell laughed. "You will."\n')
    run = _positions(text, PEOPLE)
    assert "beat_before" in run[1].turn and "lead_here" not in run[1].turn
    assert "interrupted" in run[2].turn and "continues" in run[2].turn
    assert "beat_before" not in run[3].turn  # a speech tag is no beat
    assert "lead_here" in run[3].turn and "interrupted" not in run[3].turn


def test_someone_who_comes_in_is_a_newcomer_cue_for_the_next_turn():
    text = ('"Is the cart back?" asked Osric.\n\n"Not yet," said Nell.\n\n'
            'Marden, wet to the knees, came in from the yard.\n\n"It is back now."\n\n'
            '"Marden will want his supper."\n')
    run = _positions(text, PEOPLE)
    third = {who: f for who, f in run[2].options}
    assert third["marden"].get("arrived") == 1.0
    assert "arrived" in run[2].cues["marden"]
    assert "arrived" not in third.get("osric", {})
    assert not any(f.get("arrived") for _, f in run[3].options)  # named inside a turn: no arrival



def _narrated_positions(text: str) -> list[Position]:
    """Positions of `text` told by a first-person narrator (Tamsin) among Osric and Nell."""
    clusters = [CharacterCluster(name=n, aliases={n}, gender=g, id=n.lower(),
                                 mentions=[m.span() for m in re.finditer(n, text)])
                for n, g in {"Osric": "male", "Nell": "female"}.items()]
    clusters.append(CharacterCluster(name="Tamsin", aliases={"Tamsin"}, gender="female", id="tamsin", mentions=[],
                                     narrator=True))
    paras = paragraphs(text, 0, len(text))
    quotes = _quotes(text)
    index = DialogueIndex(text, paras, clusters, QuoteFinder().find(text, paras))
    guesses = RuleGuesses([Attribution(None, "none") for _ in quotes], [None] * len(quotes),
                          [index.addressees(q) for q in quotes])
    return [p for run in SpeakerDecoder(index, None).runs(quotes, guesses) for p in run]


def test_a_first_person_narrator_in_the_scene_is_a_candidate_for_untagged_turns():
    """The narration before the talk says "I": the narrator is there, and may answer untagged, though no turn
    nearby went to her; where the narration before the talk is of others only, she is no candidate by it."""
    here = ('Osric set down the lamp which I had carried up for him and looked at the ledger.\n\n'
            '"The mill is shut till Monday."\n\n"Then we must walk to the weir."\n\n"In this rain?"\n')
    away = ('Osric set down the lamp which Nell had carried up for him and looked at the ledger.\n\n'
            '"The mill is shut till Monday."\n\n"Then we must walk to the weir."\n\n"In this rain?"\n')
    for text, expected in ((here, True), (away, False)):
        positions = _narrated_positions(text)
        for position in positions:
            options = {who: f for who, f in position.options}
            assert ("narrator_here" in options.get("tamsin", {})) is expected
