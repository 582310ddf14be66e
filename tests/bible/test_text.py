"""The bible in words for prompts, and a bible when the file is missing."""

from __future__ import annotations

from filmsofone import bible
from filmsofone.workspace import Workspace

from .helpers import TEXT, store_book


def test_seeded_bible_describes_people_and_places_in_stable_words(ws: Workspace) -> None:
    analysis = store_book(ws)
    path = bible.seed_bible(ws, "quills", analysis, TEXT)
    assert path == ws.bible_path("quills") and path.exists()
    cast = bible.load_bible(ws, "quills")
    ada = bible.identity_text(cast, "c1", scene_id="2.1")
    assert ada == "Ada Quill: a tall, dark young woman, grey eyes, short grey hair"
    assert bible.identity_text(bible.load_bible(ws, "quills"), "c1", scene_id="2.1") == ada
    night = bible.look_text(cast, "s1", "night")
    assert night.startswith("the boathouse, interior; night light: key lamp and candle light")
    assert "2700K" in night
    assert all(c.startswith("#") and len(c) == 7 for c in bible.palette(cast, "s2", "day"))
    assert bible.seed_for(cast, "1.1-001") == bible.seed_for(cast, "1.1-001") != bible.seed_for(cast, "1.1-002")
    assert cast.style.aspect_ratio == "16:9" and cast.style.resolution == "1280x720" and cast.style.fps == 24


def test_missing_file_gives_the_bible_seeded_from_the_stored_analysis(ws: Workspace) -> None:
    store_book(ws)
    cast = bible.load_bible(ws, "quills")
    assert [c.name for c in cast.characters] == ["Ada Quill", "Tom Quill", "Mr. Quill"]
    assert not ws.bible_path("quills").exists()


def test_shot_look_gathers_the_words_of_one_shot(ws: Workspace) -> None:
    from filmsofone.bible.edit import add_prop, set_fields
    from filmsofone.models import InFrame, Shot

    bible.seed_bible(ws, "quills", store_book(ws), TEXT)
    add_prop(ws, "quills", "the lantern", "a dented brass lantern with green glass", characters=["Ada"])
    set_fields(ws, "quills", "Ada", ["wardrobe.scenes.2.1=a yellow raincoat"])
    cast = bible.load_bible(ws, "quills")
    assert cast.character("Ada").props == ["p1"] and cast.prop("lantern").characters == ["c1"]
    shot = Shot(id="2.1-004", scene="2.1", order=4, characters=[InFrame(character="c1"), InFrame(character="c9")],
                setting="s2", time_of_day="dusk", props=["p1"])
    look = bible.shot_look(cast, shot)
    assert look.characters == {"c1": "Ada Quill: a tall, dark young woman, grey eyes, short grey hair, wearing a "
                                     "yellow raincoat, with a dented brass lantern with green glass"}
    assert look.setting.startswith("the garden, exterior; dusk light: key low golden sun")
    assert look.props == ["a dented brass lantern with green glass"]
    assert look.seed == bible.seed_for(cast, "2.1-004") and look.palette == bible.palette(cast, "s2", "dusk")
    assert look.style.startswith("35mm film") and "watermark" in look.negative_prompt
    assert bible.shot_look(bible.load_bible(ws, "quills"), shot) == look


def test_load_bible_sees_every_change_and_hands_out_copies(ws: Workspace) -> None:
    bible.seed_bible(ws, "quills", store_book(ws), TEXT)
    first = bible.load_bible(ws, "quills")
    first.characters[0].hair = "changed in memory only"
    assert bible.load_bible(ws, "quills").characters[0].hair == "short grey hair"
    path = ws.bible_path("quills")
    path.write_text(path.read_text(encoding="utf-8").replace("short grey hair", "short gray hair"), encoding="utf-8")
    assert bible.load_bible(ws, "quills").characters[0].hair == "short gray hair"  # same size, new bytes


def test_interior_comes_from_the_analysis_then_its_scenes_then_the_name(ws: Workspace) -> None:
    analysis = store_book(ws)
    analysis.settings[0].name = "Thornleigh"  # a name that says nothing; its scene (1.1) is interior
    analysis.settings[1].interior = True  # the analysis knows better than the name 'the garden'
    cast = bible.build_bible("quills", analysis, TEXT)
    assert [s.interior for s in cast.settings] == [True, True]
    assert cast.setting("s1").light["night"].color_temperature == 2700  # an interior's lamps


def test_places_take_descriptions_from_the_book(ws: Workspace) -> None:
    from filmsofone.bible.hints import find_place_hints
    from filmsofone.models import Setting

    text = ("They met at the hotel. It was a particularly comfortable hotel, with a lake--a lake of blue. "
            "We walked in the garden; the beautiful garden lay below the Great Peter Street. "
            "He knew the little town of Vevey well. Vevey, a quiet old town, slept.")
    places = [Setting(id="s1", name="the hotel"), Setting(id="s2", name="the garden"),
              Setting(id="s3", name="Vevey"), Setting(id="s4", name="the street")]
    found = {k: [h.text for h in v] for k, v in find_place_hints(text, places).items()}
    assert found == {"s1": ["a particularly comfortable hotel"], "s2": ["the beautiful garden"],
                     "s3": ["the little town of Vevey", "Vevey, a quiet old town"], "s4": []}
    for hints in find_place_hints(text, places).values():
        for hint in hints:
            assert text[hint.start:hint.end] == hint.text


def test_clothes_the_book_mentions_seed_the_default_wardrobe(ws: Workspace) -> None:
    bible.seed_bible(ws, "quills", store_book(ws), TEXT)
    cast = bible.load_bible(ws, "quills")
    assert cast.character("Mr. Quill").wardrobe.default == "an old coat"  # "His old coat was torn."
    assert bible.identity_text(cast, "c3") == "Mr. Quill: a man, wearing an old coat"


def test_an_animal_the_book_names_is_cast_as_that_animal_not_as_a_man() -> None:
    from filmsofone.bible.hints import find_animals
    from filmsofone.bible.model import CastBible
    from filmsofone.bible.seed import character_look
    from filmsofone.models import Character

    text = ("Bosun, the ferryman's old brown dog, lifted his head. Mr. Marden, the old fox, said nothing. "
            "A grey parrot called Quib swung in its cage. Nell Tolley was a quiet girl. The boy everyone called "
            "Wren ran off.")
    people = [Character(id="c1", name="Bosun", gender="male"), Character(id="c2", name="Mr. Marden", gender="male"),
              Character(id="c3", name="Quib"), Character(id="c4", name="Nell Tolley", aliases=["Nell"]),
              Character(id="c5", name="Wren", gender="male")]
    animals = find_animals(text, people)
    assert animals == {"c1": "an old brown dog", "c3": "a grey parrot", "c5": "a boy"}  # a titled man is no fox
    cast = CastBible(book="ferry", characters=[character_look("ferry", people[0], [], animal=animals["c1"]),
                                               character_look("ferry", people[1], [])])
    assert bible.identity_text(cast, "c1") == "Bosun: an old brown dog"
    assert bible.identity_text(cast, "c2") == "Mr. Marden: a man"
