"""`voice`, `cast voice` and `cut --no-music`: thin commands, one-line errors with exit status 2."""

import wave

import pytest
from bible.helpers import TEXT, store_book

from filmsofone.bible import load_bible, seed_bible
from filmsofone.cli import main


def run(capsys, *argv):
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def quills(ws):
    analysis = store_book(ws)
    seed_bible(ws, "quills", analysis, TEXT)
    return ws


def test_audition_speaks_their_own_line_in_distinct_candidates_and_pick_keeps_one(quills, capsys):
    ws = quills
    code, out, _ = run(capsys, "-w", str(ws.root), "cast", "voice", "quills", "Ada", "--audition", "-n", "3")
    assert code == 0 and out.count(".wav") == 3
    files = sorted((ws.project("quills").root / "auditions" / "voices").glob("c1-[0-9].wav"))
    assert len(files) == 3
    for path in files:
        with wave.open(str(path)) as sound:
            assert sound.getnframes() / sound.getframerate() > 0.5
    others = {c.voice.key() for c in load_bible(ws, "quills").characters if c.id != "c1"}
    code, out, _ = run(capsys, "-w", str(ws.root), "cast", "voice", "quills", "Ada", "--pick", "2")
    assert code == 0
    ada = load_bible(ws, "quills").character("Ada").voice
    assert ada.voice in out and ada.key() not in others
    code, out, _ = run(capsys, "-w", str(ws.root), "cast", "voice", "quills", "Ada")  # hear the current voice
    assert code == 0 and "samples/c1-" in out


def test_the_narrator_has_a_voice_to_audition_too(quills, capsys):
    code, _, _ = run(capsys, "-w", str(quills.root), "cast", "voice", "quills", "narrator", "--audition", "-n", "2")
    assert code == 0
    before = load_bible(quills, "quills").narrator
    assert run(capsys, "-w", str(quills.root), "cast", "voice", "quills", "narrator", "--pick", "1")[0] == 0
    assert load_bible(quills, "quills").narrator != before


@pytest.mark.parametrize("argv, message", [
    (["cast", "voice", "quills", "Ada", "--pick", "1"], "no voice audition for Ada"),
    (["cast", "voice", "quills", "the boathouse", "--audition"], "is not a character"),
    (["cast", "voice", "quills", "Nobody"], "no character, setting or prop called 'Nobody'"),
    (["voice", "quills", "--scene", "9.9"], "no scene '9.9' in quills"),
])
def test_user_mistakes_are_one_line_and_exit_2(quills, capsys, argv, message):
    code, _, err = run(capsys, "-w", str(quills.root), *argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_an_unknown_voice_in_the_bible_is_one_line_and_exit_2(quills, capsys):
    assert run(capsys, "-w", str(quills.root), "cast", "set", "quills", "Ada", "voice.voice=en+nobody")[0] == 0
    code, _, err = run(capsys, "-w", str(quills.root), "cast", "voice", "quills", "Ada")
    assert code == 2 and "espeak has no voice variant 'nobody'" in err and len(err.strip().splitlines()) == 1
