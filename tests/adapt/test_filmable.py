"""Narration made filmable: visible actions kept (short, present tense); thoughts, tags and back-story dropped."""

from __future__ import annotations

import pytest

from filmsofone.adapt.filmable import action_line, present_tense, split_sentences
from filmsofone.lexicon import states_interior


@pytest.mark.parametrize("sentence, line", [
    ("She rose and went to the window, where the rain fell on the glass.", "She rises and goes to the window."),
    ("Tom crossed the room and pressed his hand against the cracked pane.",
     "Tom crosses the room and presses his hand against the cracked pane."),
    ("They stopped and stared at the door.", "They stop and stare at the door."),
    ("I was standing by the door when he entered.", "I am standing by the door when he enters."),
    ("Mr. Pellow walked into the room; he had never felt so low.", "Mr. Pellow walks into the room."),
    ("Ada climbed the stairs with the lamp held high.", "Ada climbs the stairs with the lamp held high."),
])
def test_visible_actions_become_short_present_tense_lines(sentence, line):
    assert action_line(sentence) == line


@pytest.mark.parametrize("sentence", [
    "Elizabeth felt that she had been wrong about him from the first.",  # interior state
    "She wondered whether he would ever come back to the house.",
    "Years before, her father had walked the same road every morning.",  # back-story
    "He had gone to London in the spring.",
    "He did not move from the window.",  # nothing happens
    "She would walk there every day if she could.",
    "said he, taking up his hat and walking to the door.",  # residue of a speech tag
    "\u201cCome in,\u201d said she, and opened the door.",
    "It is known in every town of the county that a young man with money must be looking for a wife.",  # commentary
])
def test_what_no_camera_can_show_is_dropped(sentence):
    assert action_line(sentence) is None


def test_speech_verbs_next_to_a_quotation_drop_the_sentence():
    assert action_line("She laughed and turned to the window.") == "She laughs and turns to the window."
    assert action_line("She laughed and turned to the window.", beside_dialogue=True) is None


def test_long_sentences_are_cut_at_a_comma():
    line = action_line("The carriage rolled, and Ada ran down the long wet road past the church, the school, "
                       "the mill, the bridge and the last of the cottages, crying out for her brother to wait.")
    assert line is not None and len(line.split()) <= 24 and line.endswith(".")


def test_abbreviations_do_not_end_sentences():
    text = "Mr. Pellow walked in. She rose! Then J. Tolley left."
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == [
        "Mr. Pellow walked in.", "She rose!", "Then J. Tolley left."]


def test_present_tense_keeps_words_it_does_not_know():
    assert present_tense("She had a basket on her arm and walked quickly") == "She has a basket on her arm and walks quickly"
    assert states_interior("He remembered the day") and not states_interior("He walked the dog")


@pytest.mark.parametrize("past, present", [
    ("She rose and went to the window.", "She rises and goes to the window."),  # irregular: by spaCy's lemma
    ("He hated the sea and hurried away.", "He hates the sea and hurries away."),  # the small model says 'hat'
    ("They stopped and stared at the door.", "They stop and stare at the door."),  # ... and 'star'
    ("Mr. Pellow and his wife walked in.", "Mr. Pellow and his wife walk in."),  # two people: plural
    ("The men carried the boxes and the dog followed them.", "The men carry the boxes and the dog follows them."),
    ("I was standing by the door when he entered.", "I am standing by the door when he enters."),
    ("The Miss Tolleys were rather offended, and sent a letter.", "The Miss Tolleys are rather offended, and send a letter."),
    ("Little Tom's hands shook, as he listened to the footsteps.",
     "Little Tom's hands shake, as he listens to the footsteps."),  # every clause, not only the first verb
    ("Ada climbed the stairs with the lamp held high.", "Ada climbs the stairs with the lamp held high."),
    ("He is cheerful and talkative, danced every reel.", "He is cheerful and talkative, dances every reel."),
    ("She had gone out and we sat by the fire.", "She has gone out and we sit by the fire."),
])
def test_present_tense_reads_each_verbs_tense_and_subject(past, present):
    assert present_tense(past) == present


def test_present_tense_spelling_rules():
    from filmsofone.adapt.filmable import regular_past, third_person

    assert [third_person(v) for v in ("go", "carry", "play", "watch", "have", "press", "fix", "take")] == [
        "goes", "carries", "plays", "watches", "has", "presses", "fixes", "takes"]
    assert [regular_past(v) for v in ("hope", "stop", "carry", "rain", "walk", "row", "visit")] == [
        "hoped", "stopped", "carried", "rained", "walked", "rowed", "visited"]


@pytest.mark.parametrize("past, present", [
    ("You had better go home before the rain comes.", "You had better go home before the rain comes."),  # a modal
    ("We had best not wait for the carriage.", "We had best not wait for the carriage."),
    ("He wondered whether he hadn't better hide.", "He wonders whether he hadn't better hide."),
    ("He had better luck with the horses.", "He has better luck with the horses."),  # had + object: turned
    ("She sat in the room when Madame Fourcade played or practiced.",  # the tagger says VBN
     "She sits in the room when Madame Fourcade plays or practices."),
    ("He had walked in and sat down.", "He has walked in and sat down."),  # 'sat' shares 'had'
    ("He found the door locked and barred.", "He finds the door locked and barred."),  # participles stay
])
def test_present_tense_reads_modal_idioms_and_the_taggers_vbn_for_vbd(past, present):
    assert present_tense(past) == present


@pytest.mark.parametrize("sentence", [
    "She was glad that he came, and walked to the window.",  # copula + adjective of feeling + clause
    "He was angry that the door stood open, and slammed it.",
    "He was certain that the boat had sunk, and ran to the shore.",  # any adjective taking a that-clause
    "He was certain that nothing came in at the gate.",  # the clause hung on 'was' by the parser
    "Victor was proud of his boat, and rowed it every day.",
    "She was surprised by the noise and turned.",  # a participle of feeling in the passive
    "She liked to sit by the window and sew.",  # a verb of liking
    "He detested the sea and walked inland.",
    "Mr. Pellow took Osric in, and cherished him.",  # the admiring kind too
])
def test_feelings_the_parse_shows_are_dropped(sentence):
    assert action_line(sentence) is None


@pytest.mark.parametrize("sentence, line", [
    ("The angry crowd gathered at the gate.", "The angry crowd gathers at the gate."),  # not after a copula
    ("He looked like his father and walked like a sailor.", "He looks like his father and walks like a sailor."),
    ("He was so tall that he struck his head on the beam.", "He is so tall that he strikes his head on the beam."),
    ("He looked angry and slammed the door.", "He looks angry and slams the door."),  # a face is seen
])
def test_what_only_looks_like_a_feeling_is_kept(sentence, line):
    assert action_line(sentence) == line


@pytest.mark.parametrize("sentence", [
    "Marden was just considering whether he had better slip out by the kitchen, when the bell rang.",  # any inflection
    "The clerk went pale as he read the letter, and slowly comprehended what it asked of him.",
    "She contemplated with pleasure the orchard her father had planted.",
    "The curate burst into apologies and regrets.",  # a noun of the mind joined to the main clause
    "My pity and my trust turned to the old ferryman.",  # as the subject
    "The two boys ran off, and the suspicions of the other guests grew.",
    "Her dread of being left alone in the empty house.",  # a clause with no verb
    "The uncles are sure to doze in their chairs, while Osric stays up by the stove.",  # a prediction
    "The geese were bound to hiss at the cart and chase it down the lane.",
])
def test_thoughts_in_any_form_and_predictions_are_dropped(sentence):
    assert action_line(sentence) is None


@pytest.mark.parametrize("sentence, line", [
    ("Nell was not at all frightened, and she climbed back onto the wall at once.",
     "She climbs back onto the wall at once."),  # the state before ", and she" is not filmed
    ("His round face was worried, and he hurried off towards the mill with his cap in his hand.",
     "He hurries off towards the mill with his cap in his hand."),
    ("She rose, and he took her hand.", "She rises, and he takes her hand."),  # two actions: both kept
    ("The gate gave way, and they walked in.", "The gate gives way, and they walk in."),  # not a state
    ("Tolley, Osric, and I sat on the bench.", "Tolley, Osric, and I sit on the bench."),  # a list of people
    ("The jury and the judge entered the court.", "The jury and the judge enter the court."),  # people, not minds
    ("The crowd was sure of its way and marched to the square.",
     "The crowd is sure of its way and marches to the square."),  # "sure of", not a prediction
])
def test_the_action_beside_a_state_is_kept(sentence, line):
    assert action_line(sentence) == line


def test_a_cut_at_a_comma_drops_the_list_item_it_leaves_unfinished():
    line = action_line("Mr. Pellow looked cheerful, and it was good to see his stout figure walking beside the vicar, "
                       "and his short, broad shadow moving over the grass behind them in the morning sun.")
    assert line == "Mr. Pellow looks cheerful, and it is good to see his stout figure walking beside the vicar."
    kept = action_line("The cart rattled off over the bridge, and Ada ran down the long wet road past the church, "
                       "the school and the mill, crying out for her brother to wait for her at the gate.")
    assert kept is not None and "Ada runs down the long wet road" in kept  # an item with its own action stays
    verbs = action_line("He took the key from his pocket, turned it twice in the lock, pushed the door, and stepped "
                        "into the hall, whistling a little tune to himself as he went.")
    assert verbs is not None and verbs.endswith("pushes the door, and steps into the hall.")  # a verb's item
