"""The speaker decoder: a second-order Viterbi over each run of dialogue, with packaged weights."""

import json
import math
import re

from filmsofone.analysis.speaker_decoder import (
    WEIGHTS_ENV,
    Position,
    SpeakerDecoder,
    best_sequence,
    calibration_inputs,
    confidence,
    load_calibration,
    load_weights,
    sequence_features,
    transition,
)

from filmsofone.analysis.characters import CharacterCluster
from filmsofone.analysis.conversation import DialogueIndex
from filmsofone.analysis.quotes import QuoteFinder
from filmsofone.analysis.speakers import Attribution, RuleGuesses
from filmsofone.analysis.text import paragraphs

from .stories import analyze_story

# a small hand-made model: name tags are decisive, a new paragraph is a new speaker, A/B talk alternates
WEIGHTS = {"tag_name": 10.0, "same|adjacent": -3.0, "alternate|adjacent|adjacent": 2.0, "talks_before_1": 0.5}


def _run(*options, link="adjacent"):
    return [Position(k, list(o), "start" if k == 0 else link) for k, o in enumerate(options)]


def test_untagged_turns_alternate_between_the_tagged_speakers():
    both = [("ada", {}), ("ben", {"talks_before_1": 1.0})]
    run = _run([("ada", {"tag_name": 1.0}), ("ben", {})], [("ben", {"tag_name": 1.0}), ("ada", {})], both, both, both)
    assert best_sequence(run, WEIGHTS) == ["ada", "ben", "ada", "ben", "ada"]


def test_a_later_tag_corrects_the_turns_before_it():
    """Greedy left-to-right would give turn 2 to whoever spoke before last; the tag on turn 3 says otherwise."""
    both = [("ada", {}), ("ben", {}), ("cy", {})]
    run = _run([("ada", {"tag_name": 1.0})], both, both, [("cy", {"tag_name": 1.0}), ("ada", {})], both)
    sequence = best_sequence(run, WEIGHTS)
    assert sequence[3] == "cy"
    assert sequence[2] != "cy" and sequence[4] != "cy"  # nobody speaks twice in a row in adjacent paragraphs
    assert sequence[4] == sequence[2]  # and the two talking alternate


def test_allowed_restricts_positions_for_training():
    run = _run([("ada", {"tag_name": 1.0}), ("ben", {})], [("ada", {}), ("ben", {})])
    assert best_sequence(run, WEIGHTS, allowed=[{"ben"}, None]) == ["ben", "ada"]


def test_sequence_features_count_local_and_transition_features():
    run = _run([("ada", {"tag_name": 1.0})], [("ben", {})], [("ada", {})])
    features = sequence_features(run, ["ada", "ben", "ada"])
    assert features["tag_name"] == 1.0
    assert features["new|adjacent|second"] == 1.0
    assert features["alternate|adjacent|adjacent"] == 1.0


def test_transition_names():
    assert transition(None, "ada", "ada", "gap", None) == "same|gap"
    assert transition("ada", "ben", "ada", "adjacent", "adjacent") == "alternate|adjacent|adjacent"
    assert transition("ada", "ben", "cy", "adjacent", "same_paragraph") == "new|adjacent"


def test_packaged_weights_are_there_and_say_what_a_reader_expects():
    weights = load_weights()
    assert weights, "speaker_weights.json is missing from the package"
    assert weights["tag_name"] > 0  # a name in the tag is the speaker
    assert weights["addressed_here"] < 0  # nobody speaks to themselves by name
    assert weights["gender_mismatch"] < 0  # "she said" is not a man
    assert weights["same|adjacent"] < weights["alternate|adjacent|adjacent"]  # talk alternates


def test_without_weights_the_rules_stand():
    index = DialogueIndex("", [], [], [])
    guesses = RuleGuesses([Attribution("c1", "implicit"), Attribution(None, "none")], [None, None], [set(), set()])
    assert SpeakerDecoder(index, None).decode([], guesses) is guesses.attributions


def test_attribution_reports_progress_on_a_long_dialogue():
    text = "Ada Quill and Ben Hale sat by the fire.\n\n" + '"Yes," said Ada.\n\n"No," said Ben.\n\n' * 300
    heard = []
    analysis = analyze_story(text, "t", progress=lambda label, done, total: heard.append((label, done, total)))
    speaker_updates = [h for h in heard if h[0].startswith("speakers: reading the tags")]
    assert speaker_updates and speaker_updates[-1][2] == len(analysis.quotes) == 600
    assert [done for _, done, _ in speaker_updates] == sorted(done for _, done, _ in speaker_updates)



def _index(text: str, names: dict[str, str]) -> DialogueIndex:
    """An index over `text` whose characters are `names` (name -> gender), every occurrence a mention."""
    clusters = [CharacterCluster(name=n, aliases={n}, gender=g, id=f"c{k}", mentions=[m.span() for m in re.finditer(n, text)])
                for k, (n, g) in enumerate(names.items(), 1)]
    paras = paragraphs(text, 0, len(text))
    return DialogueIndex(text, paras, clusters, QuoteFinder().find(text, paras))


def test_a_pronoun_chained_through_narration_leads_back_to_its_named_subject():
    text = ('"Good morning," said Tom.\n\nAnna looked at the garden, and Tom went in.\n\n'
            "She often walked there alone, and she liked it.\n\n"
            '"I hope it will not rain," said she.\n')
    index = _index(text, {"Tom": "male", "Anna": "female"})
    position = text.index("said she") + 5
    assert index.local_antecedent(position, "female", set()) is None  # the paragraph before names no woman
    assert index.chained_antecedent(position, "female", set()) == "c2"  # "She often..." leads back to Anna
    broken = text.replace("She often walked there alone, and she liked it.", "The garden was wet.")
    index = _index(broken, {"Tom": "male", "Anna": "female"})
    assert index.chained_antecedent(broken.index("said she") + 5, "female", set()) is None


def test_the_calibration_reads_the_kind_of_evidence_and_an_untagged_speaker():
    named = calibration_inputs(3.0, {"tag_name": 1.0, "tag_name|tag_name": 1.0, "speaker_share": 0.5})
    assert named == {"log_margin": math.log1p(3.0), "bias": 1.0, "context_tag_name": 1.0}
    pronoun = calibration_inputs(0.0, {"gender_match|tag_pronoun_gendered": 1.0, "speaker_share": 0.0})
    assert pronoun == {"log_margin": 0.0, "bias": 1.0, "context_tag_pronoun": 1.0, "never_tagged": 1.0}
    assert calibration_inputs(1.0, {"nobody": 1.0}) == {"log_margin": math.log1p(1.0), "bias": 1.0}
    calibration = {"log_margin": 1.0, "bias": -1.0, "context_tag_name": 2.0, "never_tagged": -1.5}
    named_sure = confidence(3.0, calibration, {"tag_name|tag_name": 1.0, "speaker_share": 0.5})
    talk_sure = confidence(3.0, calibration, {"talks_before_1|in_talk": 1.0, "speaker_share": 0.5})
    stranger_sure = confidence(3.0, calibration, {"talks_before_1|in_talk": 1.0, "speaker_share": 0.0})
    assert named_sure > talk_sure > stranger_sure
    assert talk_sure == round(1 / (1 + math.exp(-(math.log1p(3.0) - 1.0))), 3)
    assert confidence(3.0, (1.0, -1.0)) == talk_sure  # an older (a, b) calibration reads the margin alone


def test_a_weights_file_gives_its_calibration(tmp_path, monkeypatch):
    path = tmp_path / "weights.json"
    calibration = {"log_margin": 0.9, "bias": -2.0, "context_tag_name": 1.1}
    path.write_text(json.dumps({"weights": {"tag_name": 1.0}, "calibration": calibration}))
    monkeypatch.setenv(WEIGHTS_ENV, str(path))
    assert load_calibration() == calibration
    older = tmp_path / "older.json"
    older.write_text(json.dumps({"weights": {"tag_name": 1.0}, "calibration": [1.1, -2.4]}))
    monkeypatch.setenv(WEIGHTS_ENV, str(older))
    assert load_calibration() == (1.1, -2.4)


def test_packaged_calibration_is_surer_of_a_name_tag_than_of_an_untagged_turn():
    calibration = load_calibration()
    assert isinstance(calibration, dict), "speaker_weights.json has no calibration by kind of evidence"
    assert calibration["log_margin"] > 0  # a larger margin is surer
    assert calibration["context_tag_name"] > calibration.get("context_in_talk", 0.0)
    assert calibration.get("never_tagged", 0.0) < 0


def _guesses(index: DialogueIndex, quotes, kinds: dict[int, tuple[str, str]]) -> RuleGuesses:
    """Rule guesses for `quotes`: quotation k -> (speaker id, kind) as given, the others untagged."""
    found = [Attribution(*kinds[k]) if k in kinds else Attribution(None, "none") for k in range(len(quotes))]
    return RuleGuesses(found, [None] * len(quotes), [set() for _ in quotes])


def _options_of(decoder: SpeakerDecoder, quotes, guesses, k: int) -> dict[str, dict[str, float]]:
    positions = [p for run in decoder.runs(quotes, guesses) for p in run]
    return {who: features for who, features in positions[k].options}


def test_untagged_turns_know_the_name_tags_an_even_and_an_odd_number_of_turns_away():
    text = ('Tom Hale and Anna Reed stood at the gate.\n\n"Is it late?" said Tom.\n\n"Not yet."\n\n"Then wait."\n\n'
            '"For whom?"\n\n"For the carter," said Tom.\n\n"Very well."\n')
    index = _index(text, {"Tom": "male", "Anna": "female"})
    quotes = QuoteFinder().find(text, paragraphs(text, 0, len(text)))
    guesses = _guesses(index, quotes, {0: ("c1", "explicit"), 4: ("c1", "explicit")})
    decoder = SpeakerDecoder(index, None)
    third = _options_of(decoder, quotes, guesses, 2)  # "Then wait.": Tom two turns before and two after
    assert third["c1"]["anchor_even_before"] == 1.0 and third["c1"]["anchor_even_after"] == 1.0
    assert third["c1"]["anchor_even_both"] == 1.0
    second = _options_of(decoder, quotes, guesses, 1)  # "Not yet.": Tom the turn before, three turns after
    assert second["c1"]["anchor_odd_before"] == 1.0 and second["c1"]["anchor_odd_after"] == 1.0
    assert "anchor_even_before" not in second["c1"]


def test_narration_between_turns_ends_the_exchange_the_name_tags_are_read_in():
    text = ('"Is it late?" said Tom.\n\n"Not yet."\n\nThe clock struck and the dog barked in the yard.\n\n'
            '"Then wait."\n\n"For whom?"\n')
    index = _index(text, {"Tom": "male", "Anna": "female"})
    quotes = QuoteFinder().find(text, paragraphs(text, 0, len(text)))
    guesses = _guesses(index, quotes, {0: ("c1", "explicit")})
    options = _options_of(SpeakerDecoder(index, None), quotes, guesses, 3)  # "For whom?" after the narration
    assert not any(name.startswith("anchor_") for features in options.values() for name in features)
