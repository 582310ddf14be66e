"""The speaker decoder: a second-order Viterbi over each run of dialogue, with packaged weights."""

import itertools
import json
import math
import random
import re
from dataclasses import replace

from filmsofone.analysis.speaker_decoder import (
    WEIGHTS_ENV,
    Position,
    SpeakerDecoder,
    best_sequence,
    book_partners,
    calibration_inputs,
    edge_features,
    confidence,
    load_calibration,
    load_weights,
    sequence_features,
    transition,
    with_partners,
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


def _tagged(who):
    return (who, {"guess_explicit": 1.0, "tag_name": 1.0})


def test_book_partners_count_the_runs_where_two_speakers_are_tagged_together():
    runs = [_run([_tagged("ada")], [_tagged("ben")], [("cy", {})]),
            _run([_tagged("ada")], [_tagged("ben")]),
            _run([_tagged("ada")], [_tagged("cy")]),
            _run([_tagged("dora")], [("ada", {})])]
    partners = book_partners(runs)
    assert partners["ada"] == {"ben": 2, "cy": 1}  # cy speaks untagged in the first run: not counted there
    assert partners["cy"] == {"ada": 1}
    assert partners["dora"] == {}  # tagged alone


def test_a_speaker_following_their_usual_partner_is_told_from_a_stranger():
    runs = with_partners([_run([_tagged("ada")], [_tagged("ben")]), _run([_tagged("ada")], [_tagged("ben")]),
                          _run([_tagged("ada")], [_tagged("cy")]), _run([_tagged("cy")], [_tagged("dora")])])
    position = runs[0][1]
    assert "new|pair_top" in edge_features(position, None, "ada", "ben", None)
    assert "new|pair" in edge_features(position, None, "cy", "ada", None)  # ada's partner, not her usual one
    assert "new|pair_never" in edge_features(position, None, "ben", "dora", None)
    assert not any("pair" in name for name in edge_features(position, None, "ada", "ada", None))


def test_transitions_are_conjoined_with_the_cues_of_the_candidate():
    run = _run([("ada", {})], [("ben", {"prev_para_subj": 1.0, "talks_before_1": 1.0}), ("ada", {})], link="gap")
    names = edge_features(run[1], None, "ada", "ben", None)
    assert names == ["new|gap|second", "new|gap&prev_para_subj"]  # only the listed cues are conjoined
    assert edge_features(run[1], None, "ada", "ada", None) == ["same|gap"]


def test_a_turn_addressing_the_speaker_before_is_marked_on_its_transition():
    run = _run([("ada", {})], [("ben", {}), ("ada", {"addressed_here": 1.0})])
    assert "new|addresses_before" in edge_features(run[1], None, "ada", "ben", None)
    assert "new|addresses_before" not in edge_features(run[1], None, "ben", "ada", None)


def test_a_conjoined_transition_lets_a_named_newcomer_break_the_alternation():
    """Ada and Ben alternate; a paragraph of narration names Cy just before the fourth turn."""
    both = [("ada", {}), ("ben", {})]
    cy = ("cy", {"prev_para_subj": 1.0})
    run = _run([("ada", {"tag_name": 1.0})], [("ben", {"tag_name": 1.0})], both, [*both, cy])
    weights = {**WEIGHTS, "alternate|adjacent|adjacent": 2.0}
    assert best_sequence(run, weights)[3] == "ben"
    weights["new|adjacent&prev_para_subj"] = 3.0
    assert best_sequence(run, weights)[3] == "cy"
    assert sequence_features(run, ["ada", "ben", "ada", "cy"])["new|adjacent&prev_para_subj"] == 1.0


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


def test_the_search_finds_the_best_sequence_under_conjoined_and_pair_features():
    """Brute force over every labelling of a small run scores each with `sequence_features`: the Viterbi search
    (which sums the same features its own way) must find one of the best."""
    rng = random.Random(7)
    people = ["ada", "ben", "cy"]
    for _ in range(20):
        tagged = [_run(*[[_tagged(rng.choice(people))] for _ in range(2)]) for _ in range(3)]
        options = [[(who, {cue: 1.0 for cue in rng.sample(["prev_para_subj", "named_near_0", "run_pair",
                                                                "talks_before_1", "addressed_here", "run_tagged"], 2)})
                    for who in people]
                   for _ in range(5)]
        run = with_partners([*tagged, _run(*options, link=rng.choice(["adjacent", "gap"]))])[-1]
        run = [replace(p, turn=tuple(rng.sample(["asked", "answer", "short"], rng.randint(0, 2)))) if k else p
               for k, p in enumerate(run)]
        names = {name for who in people for sequence in [[who] * 5] for name in sequence_features(run, sequence)}
        names |= {f"{kind}|{pair}" for kind in ("alternate", "new")
                  for pair in ("pair", "pair_top", "pair_never", "addresses_before")}
        names |= {f"{kind}|{cue}" for kind in ("same", "alternate", "new")
                  for cue in ("turn&asked", "turn&answer", "turn&short", "turn&crowd")}
        names |= {f"{kind}|{link}&{cue}" for kind in ("same", "alternate", "new") for link in ("adjacent", "gap")
                  for cue in ("prev_para_subj", "named_near_0", "run_pair")}
        weights = {name: rng.uniform(-2, 2) for name in names}

        best = max(_score(run, list(s), weights) for s in itertools.product(people, repeat=5))
        assert math.isclose(_score(run, best_sequence(run, weights), weights), best)


def _score(run, sequence, weights):
    return sum(weights.get(name, 0.0) * value for name, value in sequence_features(run, sequence).items())


def test_a_pronoun_tag_marks_a_local_antecedent_that_is_the_subject_of_its_own_paragraph():
    from filmsofone.analysis.speakers import SpeakerAttributor

    text = ('"Is the ferry in?" said Osric.\n\nThe ribbon from Marigold lay on the table.\n\n'
            '"Not yet," said she.\n\nOsric looked at Wendeline, and Wendeline smiled. "Soon," she said.\n')
    index = _index(text, {"Osric": "male", "Marigold": "female", "Wendeline": "female"})
    quotes = QuoteFinder().find(text, paragraphs(text, 0, len(text)))
    decoder = SpeakerDecoder(index, None)
    guesses = SpeakerAttributor(index).guesses(quotes)
    second = _options_of(decoder, quotes, guesses, 1)  # Marigold named in passing in the paragraph before
    assert second["c2"]["local_antecedent"] == 1.0 and "local_antecedent_own_subj" not in second["c2"]
    third = _options_of(decoder, quotes, guesses, 2)  # Wendeline the last subject of the tag's own paragraph
    assert third["c3"]["local_antecedent_own_subj"] == 1.0 and "local_antecedent" not in third["c2"]
