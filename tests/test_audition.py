"""Auditions: candidate portraits from the bible, a pick that becomes the reference image, and that image
reaching a backend which takes references (Veo, against its fake) through `filmsofone generate`."""

from __future__ import annotations

import base64

import pytest
from PIL import Image

from fakes.hosted_base import cli, generate_cli, use_keys
from fakes.project import SLUG, make_book
from filmsofone.audition import audition, pick
from filmsofone.bible import load_bible


def test_audition_then_pick_sets_the_reference_face(ws, capsys):
    make_book(ws)
    code, out, err = cli(capsys, "--workspace", ws.root, "cast", "audition", SLUG, "Ada Quill", "-n", "4")
    assert code == 0, err
    folder = ws.bible_assets_dir(SLUG) / "auditions" / "c1"
    candidates = [folder / f"{i}.png" for i in range(1, 5)]
    assert all(str(p.relative_to(ws.root)) in out for p in candidates)
    assert len({p.read_bytes() for p in candidates}) == 4  # four different faces
    with Image.open(candidates[0]) as first:
        assert first.size == (480, 640)  # a 3:4 portrait card
    again = audition(ws, SLUG, "Ada", 4)  # by alias; deterministic
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in candidates]

    code, out, err = cli(capsys, "--workspace", ws.root, "cast", "pick", SLUG, "Ada Quill", "2")
    assert code == 0, err
    reference = load_bible(ws, SLUG).character("c1").reference_images
    assert len(reference) == 1 and reference[0].startswith(f"casts/{SLUG}/c1-")
    assert (ws.root / reference[0]).read_bytes() == candidates[1].read_bytes()
    assert reference[0] in ws.bible_path(SLUG).read_text()  # written into the user's YAML


def test_a_new_pick_replaces_the_old_one_and_keeps_other_references(ws, tmp_path):
    from filmsofone.bible.edit import add_reference_image

    make_book(ws)
    audition(ws, SLUG, "Tom Quill", 3)
    own = tmp_path / "own.png"
    Image.new("RGB", (40, 40), "#336699").save(own)
    first = pick(ws, SLUG, "Tom Quill", 1)
    mine = add_reference_image(ws, SLUG, "Tom Quill", own)
    second = pick(ws, SLUG, "Tom Quill", 3)
    refs = load_bible(ws, SLUG).character("c2").reference_images
    rel = lambda p: p.relative_to(ws.root).as_posix()  # noqa: E731
    assert refs == [rel(second), rel(mine)] and rel(first) not in refs


def test_the_next_prompts_carry_the_reference_to_backends_that_take_one(ws):
    from filmsofone.prompts import render_prompts

    shots = make_book(ws)
    audition(ws, SLUG, "Ada Quill", 2)
    face = pick(ws, SLUG, "Ada Quill", 1).relative_to(ws.root).as_posix()
    scene = [s for s in shots if s.scene == "1.1"]
    with_refs = render_prompts(ws, SLUG, scene, backend="veo")
    assert all(face in p.references for p in with_refs)
    assert all(p.references == [] for p in render_prompts(ws, SLUG, scene, backend="luma"))  # takes none
    assert all(face not in p.references for p in render_prompts(ws, SLUG, [s for s in shots if s.scene == "1.2"],
                                                                 backend="veo"))  # Ada is not in scene 1.2


def test_the_picked_face_reaches_veo_through_generate(ws, capsys, monkeypatch, tmp_path):
    from fakes.veo import KEY, FakeVeo

    make_book(ws, shots_per_scene=2)
    audition(ws, SLUG, "Ada Quill", 2)
    face = pick(ws, SLUG, "Ada Quill", 2)
    use_keys(monkeypatch, tmp_path, GEMINI_API_KEY=KEY)
    with FakeVeo(polls_to_finish=1) as fake:
        code, out, err = generate_cli(capsys, ws, "veo", {"base_url": fake.url + "/v1beta"})
        assert code == 0, out + err
        sent = [r.json()["instances"][0].get("referenceImages", []) for r in fake.creates]
    assert len(sent) == 2
    for refs in sent:
        assert [base64.b64decode(r["image"]["bytesBase64Encoded"]) for r in refs][0] == face.read_bytes()


def test_settings_audition_and_a_hosted_image_backend(ws, capsys, monkeypatch, tmp_path):
    from fakes.runway import KEY, FakeRunway

    make_book(ws)
    places = audition(ws, SLUG, "the lighthouse", 2)
    with Image.open(places[0]) as still:
        assert still.size == (640, 360)
    use_keys(monkeypatch, tmp_path, RUNWAYML_API_SECRET=KEY)
    with FakeRunway(polls_to_finish=2) as fake:
        code, out, err = cli(capsys, "--workspace", ws.root, "cast", "audition", SLUG, "Miss Vane", "-n", "2",
                             "--backend", "runway-image", "--option", f"base_url={fake.url}",
                             "--option", "poll_interval=0.01")
        assert code == 0, err
        bodies = [r.json() for r in fake.creates]
    assert len(bodies) == 2 and {b["ratio"] for b in bodies} == {"1080:1440"}
    assert "Miss Vane" in bodies[0]["promptText"] and bodies[0]["seed"] != bodies[1]["seed"]
    candidates = sorted((ws.bible_assets_dir(SLUG) / "auditions" / "c3").glob("*.png"))
    assert len(candidates) == 2 and all(p.read_bytes().startswith(b"\x89PNG") for p in candidates)
    assert KEY not in out + err


@pytest.mark.parametrize("argv, needle", [
    (["cast", "audition", SLUG, "Ada Quill", "--backend", "animatic"], "an audition needs an image backend"),
    (["cast", "pick", SLUG, "Ada Quill", "3"], "no audition candidate 3 for Ada Quill"),
    (["cast", "audition", SLUG, "Nobody"], "no character, setting or prop called 'Nobody'"),
])
def test_mistakes_are_one_line_and_exit_2(ws, capsys, argv, needle):
    make_book(ws)
    code, out, err = cli(capsys, "--workspace", ws.root, *argv)
    assert code == 2 and needle in err and "Traceback" not in err


def test_the_picked_face_reaches_kling_v1_6_and_minimax_s2v(ws, capsys, monkeypatch, tmp_path):
    from fakes import kling as fk
    from fakes import minimax as fm

    make_book(ws, shots_per_scene=1)
    audition(ws, SLUG, "Ada Quill", 2)
    face = pick(ws, SLUG, "Ada Quill", 1).read_bytes()
    use_keys(monkeypatch, tmp_path, KLING_ACCESS_KEY=fk.ACCESS, KLING_SECRET_KEY=fk.SECRET, MINIMAX_API_KEY=fm.KEY)
    with fk.FakeKling(polls_to_finish=1) as fake:
        code, out, err = generate_cli(capsys, ws, "kling", {"base_url": fake.url, "model": "kling-v1-6"})
        assert code == 0, out + err
        assert fake.creates[0].path == "/v1/videos/multi-image2video"
        assert base64.b64decode(fake.creates[0].json()["image_list"][0]["image"]) == face
    with fm.FakeMinimax(polls_to_finish=1) as fake:
        code, out, err = generate_cli(capsys, ws, "minimax", {"base_url": fake.url, "model": "S2V-01"})
        assert code == 0, out + err
        image = fake.creates[0].json()["subject_reference"][0]["image"][0]
        assert base64.b64decode(image.partition(",")[2]) == face


def test_props_audition_and_pick(ws):
    from filmsofone.bible.edit import open_document, save_document
    from filmsofone.bible.yamlio import to_commented

    make_book(ws)
    doc = open_document(ws, SLUG)
    doc["props"] = to_commented([{"id": "p1", "name": "the brass lantern",
                                  "description": "a dented brass storm lantern with a red glass chimney"}])
    save_document(ws, SLUG, doc)
    candidates = audition(ws, SLUG, "the brass lantern", 2)
    with Image.open(candidates[0]) as still:
        assert still.size == (512, 512)
    copy = pick(ws, SLUG, "p1", 2)
    assert load_bible(ws, SLUG).prop("p1").reference_images == [copy.relative_to(ws.root).as_posix()]


def test_a_hosted_image_backend_gets_the_existing_face_as_a_reference(ws, capsys, monkeypatch, tmp_path):
    from fakes.runway import KEY, FakeRunway
    from filmsofone.bible.edit import add_reference_image

    make_book(ws)
    photo = tmp_path / "photo.png"
    Image.new("RGB", (64, 80), "#aa7755").save(photo)
    add_reference_image(ws, SLUG, "Tom Quill", photo)
    use_keys(monkeypatch, tmp_path, RUNWAYML_API_SECRET=KEY)
    with FakeRunway(polls_to_finish=1) as fake:
        paths = audition(ws, SLUG, "Tom Quill", 1, "runway-image",
                         options={"base_url": fake.url, "model": "gen4_image_turbo", "poll_interval": 0.01})
        body = fake.creates[0].json()
    assert len(paths) == 1 and body["model"] == "gen4_image_turbo"
    assert base64.b64decode(body["referenceImages"][0]["uri"].partition(",")[2]) == photo.read_bytes()


def test_the_commands_name_the_character_as_the_bible_does_not_as_typed(ws, capsys):
    make_book(ws)
    code, out, err = cli(capsys, "--workspace", ws.root, "cast", "audition", SLUG, "ada", "-n", "2")
    assert code == 0, err
    assert f"filmsofone cast pick {SLUG} 'Ada Quill' N" in out
    code, out, err = cli(capsys, "--workspace", ws.root, "cast", "pick", SLUG, "ada", "1")
    assert code == 0, err
    assert out.startswith("Ada Quill: reference image") and "ada:" not in out
    code, out, err = cli(capsys, "--workspace", ws.root, "cast", "lock", SLUG, "ADA QUILL")
    assert code == 0 and out.strip() == "Ada Quill: locked"
    code, out, err = cli(capsys, "--workspace", ws.root, "cast", "voice", SLUG, "ada")
    assert code == 0 and out.startswith("Ada Quill: espeak")
