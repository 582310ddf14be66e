"""People the book never names who speak ("said the man") become characters of their own, only where no named
character of their gender is about; and "said I" always goes to the narrator."""

from filmsofone.analysis.characters import CharacterCluster
from filmsofone.analysis.unnamed import UnnamedFinder

from .stories import analyze_story, speaker_of

CHURCHYARD = """CHAPTER I.

I was alone in the churchyard when the wind rose. A man started up from among the graves, all in coarse gray.

"Hold your noise!" said the man. "Tell us your name!"

"Pip, sir," said I. I was very much afraid of him.

"Once more," said the man, staring at me. The man had a great iron on his leg.

"Pip. Pip, sir," said I.

"Show us where you live," said the man. The man looked about him over the wet flat.

I pointed to where our village lay. The man turned me upside down and emptied my pockets.
"""


def test_a_description_that_speaks_with_no_named_person_about_is_a_character():
    analysis = analyze_story(CHURCHYARD, "churchyard")
    man = [c for c in analysis.characters if c.name == "the man"]
    assert man and man[0].gender == "male"
    assert speaker_of(analysis, CHURCHYARD, "Hold your noise") == "the man"
    assert speaker_of(analysis, CHURCHYARD, "Show us") == "the man"


def test_said_i_goes_to_the_narrator_even_between_lines_of_another():
    analysis = analyze_story(CHURCHYARD, "churchyard")
    narrator = next(c for c in analysis.characters if "I" in c.aliases or c.name == "the narrator")
    assert speaker_of(analysis, CHURCHYARD, "Pip, sir") == narrator.name
    assert speaker_of(analysis, CHURCHYARD, "Pip. Pip") == narrator.name


def _cluster(name: str, gender: str, mentions: list[tuple[int, int]], cid: str) -> CharacterCluster:
    return CharacterCluster(name=name, aliases={name}, gender=gender, mentions=mentions, id=cid)


def test_a_description_beside_a_named_person_of_its_gender_is_that_person():
    text = 'Nancy came in. "Where is he?" said the girl. "Gone," said the girl again. The girl sat down.'
    nancy = _cluster("Nancy", "female", [(0, 5)], "c1")
    found = UnnamedFinder().find(text, 0, len(text), [nancy], [(16, 28), (45, 50)])
    assert [c.name for c in found] == ["Nancy"]


def test_a_description_used_all_through_a_long_book_is_not_one_unnamed_person():
    episode = '"Go away," said the girl. "Now!" said the girl. '
    filler = "The rain fell on the roofs of the town. " * 150
    text = (episode + filler) * 3
    found = UnnamedFinder().find(text, 0, len(text), [], [])
    assert found == []


def test_an_unnamed_speaker_takes_only_the_mentions_of_its_episode():
    episode = '"Go away," said the man. "Now!" said the man. The man left. '
    filler = "The rain fell on the roofs of the town. " * 150
    text = episode + filler + "The man at the door was someone else."
    found = UnnamedFinder().find(text, 0, len(text), [], [])
    assert [c.name for c in found] == ["the man"]
    assert all(end <= len(episode) for _, end in found[0].mentions) and len(found[0].mentions) == 3
    assert found[0].id == "c1"


def test_a_description_that_speaks_once_and_acts_twice_is_a_character():
    text = 'The girl sat in the swamp. "Who are you?" cried the girl. The girl laughed.'
    found = UnnamedFinder().find(text, 0, len(text), [], [(28, 40)])
    assert [(c.name, c.gender, len(c.mentions)) for c in found] == [("the girl", "female", 3)]
    once = 'The girl sat in the swamp. "Who are you?" cried the girl.'
    assert UnnamedFinder().find(once, 0, len(once), [], [(28, 40)]) == []
