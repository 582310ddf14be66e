"""Names the small recogniser mislabels, and professional titles joining the named character."""

from filmsofone.analysis.characters import CharacterCluster, _join_professional_titles
from filmsofone.analysis.nlp import Entity
from filmsofone.analysis.pipeline import looks_like_person


def test_an_org_that_is_a_first_name_and_surname_is_a_person():
    assert looks_like_person(Entity("ORG", 0, 13, "Eleanor Amsel"))
    assert not looks_like_person(Entity("ORG", 0, 17, "the Harbour Board"))
    assert not looks_like_person(Entity("ORG", 0, 12, "Lloyds Bank"))
    assert not looks_like_person(Entity("GPE", 0, 13, "Eleanor Amsel"))


def _cluster(name, first=None, last=None, title=None):
    return CharacterCluster(name=name, aliases={name}, first=first, last=last, title=title)


def test_doctor_joins_the_one_named_character_with_that_surname():
    nell, doctor = _cluster("Eleanor Amsel", "eleanor", "amsel"), _cluster("Dr. Amsel", last="amsel", title="Dr")
    joined = _join_professional_titles([nell, doctor])
    assert joined == [nell] and nell.aliases == {"Eleanor Amsel", "Dr. Amsel"} and nell.title == "Dr"


def test_family_titles_and_ambiguous_surnames_stay_apart():
    mother = _cluster("Mrs. Pellow", last="pellow", title="Mrs")
    daughter = _cluster("Elizabeth Pellow", "elizabeth", "pellow")
    assert len(_join_professional_titles([mother, daughter])) == 2
    colonel = _cluster("Colonel Marden", last="marden", title="Colonel")
    brothers = [_cluster("John Marden", "john", "marden"), _cluster("James Marden", "james", "marden")]
    assert len(_join_professional_titles([colonel, *brothers])) == 3
