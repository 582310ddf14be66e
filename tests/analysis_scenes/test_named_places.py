"""Places named only by a proper noun, recognised from their contexts; and places the recogniser misses.
Small texts written for these tests."""

from __future__ import annotations

from filmsofone.analysis.named_places import named_places
from filmsofone.analysis.settings import SettingFinder, scene_setting


def _settings(text: str, people=()):
    return {c.name: c for c in SettingFinder().find(text, 0, len(text), [], people=people)}


def test_an_inn_named_only_by_its_sign_is_an_interior_setting():
    text = (
        "The rain drove them at last into the Anchor, where the fire was lit. The landlord of the Anchor "
        "brought ale. They sat at the Anchor until the lamps were lit, and nobody in the town said a word."
    )
    found = _settings(text)
    anchor = found["the Anchor"]
    assert anchor.interior is True
    assert len(anchor.mentions) == 3


def test_a_country_house_and_streets_and_towns_by_their_evidence():
    text = (
        "They dined at Hartfield on Tuesday, and on Friday they dined at Hartfield again. "
        "Her aunt lived in Gracechurch Street. He had been born at Kellingworth, a village in the north. "
        "The road to Kellingworth was long."
    )
    found = _settings(text)
    assert found["Hartfield"].interior is True  # dinners are indoors
    assert found["Gracechurch Street"].interior is False
    assert "Kellingworth" in found


def test_people_titles_months_and_nations_are_not_places():
    text = (
        "She looked at Marianne and smiled at Marianne. They spoke in French and in French they laughed. "
        "In May they went to the Queen, and at the Colonel they threw a glance. A letter from Harriet, "
        "a letter from Harriet again. He bowed to Mr. Weston at Mr. Weston's door. He met Oakworth at dinner "
        "and dined with Oakworth."
    )
    found = named_places(text, 0, len(text), people={"Oakworth"})
    assert found == {}


def test_one_plain_locative_mention_is_not_enough_but_two_are():
    once = "He waited in Portwenna for a week."
    assert named_places(once, 0, len(once)) == {}
    twice = once + " The boats in Portwenna were idle."
    assert set(named_places(twice, 0, len(twice))) == {"Portwenna"}


def test_a_name_the_recogniser_took_for_a_place_but_who_speaks_is_dropped():
    from filmsofone.analysis.nlp import Entity

    text = "Tibby came in. \"No,\" said Tibby. They went out to Vevey."
    places = [
        Entity(text="Tibby", label="GPE", start=0, end=5),
        Entity(text="Vevey", label="GPE", start=text.index("Vevey"), end=text.index("Vevey") + 5),
    ]
    names = {c.name for c in SettingFinder().find(text, 0, len(text), places)}
    assert names == {"Vevey"}


def test_home_is_a_weak_interior_setting():
    text = "They stayed at home all day. Later, in the garden, the roses were cut."
    found = _settings(text)
    assert found["home"].interior is True and found["home"].weak
    assert scene_setting(list(found.values()), 0, len(text)).name == "the garden"


def test_places_after_other_determiners_and_two_adjectives():
    text = "Every churchyard was full. They sat on the wide cool veranda. Those dark rabbit-holes frightened her."
    found = _settings(text)
    assert {"the churchyard", "the veranda", "the rabbit-holes"} <= set(found)
    assert found["the veranda"].interior is False


def test_families_titles_and_abbreviations_from_the_recogniser_are_not_places():
    from filmsofone.analysis.nlp import Entity

    text = "The Fourcades came to tea, and the Fourcades stayed. Madame Duvergier smiled. P.S. We sailed to Marrow Isle."
    def entity(surface, label="GPE"):
        at = text.index(surface)
        return Entity(text=surface, label=label, start=at, end=at + len(surface))
    places = [entity("Fourcades"), entity("Madame Duvergier"), entity("P.S"), entity("Marrow Isle", "LOC")]
    names = {c.name for c in SettingFinder().find(text, 0, len(text), places)}
    assert names == {"Marrow Isle"}


def test_named_variants_group_only_when_one_name_extends_the_other():
    from filmsofone.analysis.nlp import Entity

    text = (
        "They drove to Hollowmere Park. At Hollowmere the ball began. He sailed to the West Indies. "
        "The crowd pressed at the West Gate. He lived at Chertsey and crossed Chertsey Bridge."
    )
    def entity(surface, label="FAC"):
        at = text.index(surface)
        return Entity(text=surface, label=label, start=at, end=at + len(surface))
    places = [entity(n) for n in ("Hollowmere Park", "Hollowmere", "West Indies", "West Gate", "Chertsey", "Chertsey Bridge")]
    clusters = SettingFinder().find(text, 0, len(text), places)
    groups = [{n.removeprefix("the ") for n in [c.name, *c.aliases]} for c in clusters]
    assert {"Hollowmere", "Hollowmere Park"} in groups
    assert {"West Indies"} in groups and {"West Gate"} in groups
    assert {"Chertsey"} in groups and {"Chertsey Bridge"} in groups


def test_a_passage_walked_along_is_a_place_a_passage_quoted_is_not():
    assert "the passage" in _settings("He walked along the passage to the door, and down the passage again.")
    assert _settings("She read a passage in the book, and the passage moved her.") == {}


def test_numbers_are_not_compound_modifiers_and_plurals_keep_their_surface():
    text = "They danced in the seven chambers. The seven chambers were lit."
    found = _settings(text)
    assert "the chambers" in found and len(found["the chambers"].mentions) == 2


def test_inns_by_their_sign_or_name_and_newspapers_are_not_places():
    text = (
        "The landlord of the Bull was asleep, so they waited at the Bull. They took rooms at the Swan Inn. "
        "He read it in the Times, and in the Times again."
    )
    found = named_places(text, 0, len(text))
    assert set(found) == {"the Bull", "the Swan Inn"}
    assert found["the Bull"].interior is True and found["the Swan Inn"].interior is True


def test_a_river_named_with_the_is_an_exterior_and_a_town_with_a_house_in_it_is_no_interior():
    text = (
        "They rowed down the Wenning and along the Wenning to the banks of the Wenning. "
        "The house at Ashby was old; the family at Ashby was older. They lived in Ashby all their lives."
    )
    found = named_places(text, 0, len(text))
    assert found["the Wenning"].interior is False
    assert found["Ashby"].interior is None


def test_thrown_into_a_river_is_no_interior():
    text = "He threw the box into the Lune. It sank into the Lune and lay on the bottom of the Lune."
    assert named_places(text, 0, len(text))["the Lune"].interior is False


def test_a_name_runs_over_a_line_break_only_into_a_place_word():
    text = "They sailed up the Nile\nOn a hot day, and down the Nile\nOn the next. They drove to Hollowmere\nPark, and lived at Hollowmere\nPark."
    found = named_places(text, 0, len(text))
    assert set(found) == {"the Nile", "Hollowmere Park"}
    text = "The Italians came. He lived in Italians and dined at Italians."
    assert named_places(text, 0, len(text)) == {}


def test_common_words_with_a_capital_and_lost_apostrophes_are_not_recogniser_places():
    from filmsofone.analysis.nlp import Entity

    text = "The Heron said nothing; a heron is quiet. They sat on Tolley s bench. They sailed to Bath, and a bath was drawn."
    def entity(surface):
        at = text.index(surface)
        return Entity(text=surface, label="LOC", start=at, end=at + len(surface))
    places = [entity("Heron"), entity("Tolley s bench"), entity("Bath")]
    names = {c.name for c in SettingFinder().find(text, 0, len(text), places)}
    assert "Heron" not in names and "Tolley s bench" not in names
    assert "Bath" in names  # sailed to Bath: a place, though 'bath' is a word too
