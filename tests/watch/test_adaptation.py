"""The screening room shows the adaptation: the report, the running time against the target, and what the film
would cost on each video backend (priced as `generate --all --dry-run` prices it); read routes only."""

from __future__ import annotations

import json
import shutil

import pytest
from test_server import raw_get

from filmsofone import store
from filmsofone.adapt import adapt, adaptation_report, set_adapter, set_runtime, set_scene_choice
from filmsofone.adapt.saved import ADAPTATION_FILE
from filmsofone.generate import generate_scenes
from filmsofone.generate.estimate import OptionsShare
from filmsofone.project import load_analysis
from filmsofone.watch import open_room, render
from filmsofone.watch.room import gather
from filmsofone.workspace import Workspace

SLUG = "the-lantern-keepers"


@pytest.fixture(scope="module")
def module_ws(_imported_sample, tmp_path_factory):
    root = tmp_path_factory.mktemp("adapted") / "ws"
    shutil.copytree(_imported_sample, root)
    ws = Workspace(root)
    set_scene_choice(ws, SLUG, "1.1", drop=True)
    return ws


@pytest.fixture(scope="module")
def room(module_ws):
    server = open_room(module_ws, SLUG)
    yield server
    server.shutdown()
    server.server_close()


def test_adaptation_json_is_a_read_route_under_the_token(room, module_ws):
    status, headers, body = raw_get(room, f"/{room.token}/adaptation.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    document = json.loads(body)
    report = adaptation_report(load_analysis(module_ws, SLUG), adapt(module_ws, SLUG))
    assert document["report"]["target_seconds"] == report.target_seconds
    assert document["report"]["total_seconds"] == pytest.approx(report.total_seconds)
    assert abs(report.total_seconds - report.target_seconds) <= 0.1 * report.target_seconds
    assert {s["id"]: s["kept"] for s in document["report"]["scenes"]}["1.1"] is False
    assert document["film_seconds"] is None and document["stale"] is False
    prices = {b["backend"]: b for b in document["estimate"]["backends"]}
    assert prices["animatic"]["free"] and prices["animatic"]["usd"] == 0
    assert not prices["runway"]["free"] and prices["runway"]["usd"] > 0
    assert "clips" not in prices  # attaches your own files: nothing to price
    for path in ("/adaptation.json", "/wrong-token/adaptation.json"):
        assert raw_get(room, path)[0] == 403
    assert raw_get(room, f"/{room.token}/adaptation.json", {"Host": "evil.example:80"})[0] == 403


def test_the_estimate_is_what_generate_all_dry_run_charges(sample_ws):
    set_runtime(sample_ws, SLUG, "6m")
    room = gather(sample_ws, SLUG)
    db = sample_ws.project(SLUG).db_path
    assert not store.load_shots(db), "the room planned nothing into the store"
    assert not (sample_ws.project(SLUG).root / ADAPTATION_FILE).exists(), "nor stored an adaptation"
    shown = {b.backend: b for b in room.adaptation.estimate.backends}
    for backend in ("runway", "minimax", "veo"):
        report = generate_scenes(sample_ws, SLUG, None, backend=backend, dry_run=True)
        assert shown[backend].usd == pytest.approx(report.estimated_cost, abs=0.01)
        assert shown[backend].billed_seconds == pytest.approx(sum(p.seconds for p in report.planned), abs=0.1)
    assert room.adaptation.estimate.shots == len(report.planned)
    assert gather(sample_ws, SLUG).adaptation.estimate.model_dump() == room.adaptation.estimate.model_dump()
    assert "already made, not priced" not in render(room)
    shown["runway"].made = 3  # as when runway made three of the film's shots (tests/generate/test_film_estimate.py)
    shown["runway"].options = {"model": "gen4_turbo"}  # priced as its newest clip was made
    row = render(room).split('data-backend="runway"')[1].split("</tr>")[0]
    assert "3 shots already made, not priced" in row and "as made: <code>model=gen4_turbo</code>" in row
    assert 'class="muted share"' not in row  # one set of options: no breakdown
    shown["runway"].shares = [OptionsShare(options={"model": "gen4_turbo"}, price="$0.05/s", shots=3, made=3, usd=0.0),
                              OptionsShare(options={}, price="$0.12/s", shots=5, usd=4.8)]
    row = render(room).split('data-backend="runway"')[1].split("</tr>")[0]
    assert "3 shots at $0.05/s (<code>model=gen4_turbo</code>): 3 made, $0.00" in row
    assert "5 shots at $0.12/s (its defaults): $4.80" in row


def test_a_changed_runtime_shows_at_once_and_cut_scenes_say_so(sample_ws):
    before = gather(sample_ws, SLUG).adaptation.report
    set_runtime(sample_ws, SLUG, "4m")
    after = gather(sample_ws, SLUG)
    assert after.adaptation.report.target_seconds == 240 and after.adaptation.report.total_seconds < before.total_seconds
    cut = [s.id for s in after.adaptation.report.scenes if not s.kept]
    assert cut and all(not s.kept for s in after.scenes if s.id in cut)
    page = render(after)
    assert f"adapt {SLUG} --scene {cut[0]} --keep" in page and 'id="runtime-target">4:00<' in page


def test_a_weighted_scene_is_marked_in_the_room_and_can_be_undone(sample_ws):
    set_scene_choice(sample_ws, SLUG, "1.2", weight=1.5)
    room = gather(sample_ws, SLUG)
    line = next(s for s in room.adaptation.report.scenes if s.id == "1.2")
    assert line.choice == "weight x1.5"
    row = render(room).split('<tr class="kept" data-scene="1.2">')[1].split("</tr>")[0]
    assert "yours: weight x1.5" in row and 'data-scene-act="clear">undo<' in row
    assert 'data-scene-act="keep"' in row and 'data-scene-act="drop"' in row  # still yours to keep or drop
    other = render(room).split('data-scene="1.3">')[1].split("</tr>")[0]
    assert "yours:" not in other and 'data-scene-act="clear"' not in other


def test_a_chat_adapter_is_never_asked_by_the_room(sample_ws):
    adapt(sample_ws, SLUG)  # stored, offline
    set_adapter(sample_ws, SLUG, "openai-chat", {"base_url": "http://127.0.0.1:9/v1", "model": "m",
                                                  "price_per_million_input": 5})
    room = gather(sample_ws, SLUG)  # port 9 answers nothing: asking would fail, not show a page
    assert room.adaptation.stale and room.adaptation.report.adapter == "offline"
    assert "does not ask it again" in render(room)
    (sample_ws.project(SLUG).root / ADAPTATION_FILE).unlink()
    room = gather(sample_ws, SLUG)
    assert room.adaptation.report is None and f"filmsofone adapt {SLUG}" in room.adaptation.problem
    assert "not adapted yet" in render(room)


def test_a_broken_choices_file_leaves_the_rest_of_the_page(sample_ws):
    (sample_ws.project(SLUG).root / "adaptation-choices.json").write_text("{not json")
    room = gather(sample_ws, SLUG)
    assert room.adaptation.report is None and "cannot be read" in room.adaptation.problem
    assert room.scenes and "cannot be read" in render(room)


def test_the_page_shows_running_time_estimates_and_the_report(browser, room, module_ws):
    page = browser.new_page()
    try:
        page.goto(room.url)
        report = adaptation_report(load_analysis(module_ws, SLUG), adapt(module_ws, SLUG))
        assert page.locator("#runtime-target").inner_text() == _clock(report.target_seconds)
        assert page.locator("#runtime-adapted").inner_text() == _clock(report.total_seconds)
        assert page.locator("#runtime-meter").get_attribute("value") == str(report.total_seconds)
        assert page.locator("#estimate tr[data-backend=animatic] .cost").inner_text() == "free"
        assert page.locator("#estimate tr[data-backend=runway] .cost").inner_text().startswith("$")
        assert not page.locator("#report-scenes tr[data-scene='1.1']").is_visible()
        page.locator("#report-scenes summary").click()
        row = page.locator("#report-scenes tr[data-scene='1.1']")
        assert row.is_visible() and "cut" in row.get_attribute("class")
        page.locator("#report-characters summary").click()
        majors = [c for c in report.characters if c.role == "major"]
        assert page.locator("#report-characters tbody tr").count() >= len(majors)
        first = page.locator(f"#report-characters tr[data-character='{report.characters[0].id}'] td").all_inner_texts()
        assert first[0] == report.characters[0].name and first[3] == str(report.characters[0].lines)
        assert "Cut by the adaptation" in page.locator("#scene-1\\.1").inner_text()
    finally:
        page.close()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"


@pytest.fixture
def planned_room(sample_ws):
    from filmsofone.plan import plan_book

    plan_book(sample_ws, SLUG)
    server = open_room(sample_ws, SLUG)
    yield server
    server.shutdown()
    server.server_close()


def _post(server, path: str, headers: dict) -> tuple[int, dict]:
    import http.client

    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=60)
    conn.request("POST", path, body=b"", headers={"Host": f"127.0.0.1:{server.server_address[1]}", **headers})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, (json.loads(body) if body.startswith(b"{") else {})


def test_scene_choices_need_the_token_the_origin_and_the_pages_csrf_token(planned_room, sample_ws):
    from filmsofone.adapt import load_choices

    page = raw_get(planned_room, f"/{planned_room.token}/")[2].decode()
    csrf = page.split('name="csrf-token" content="')[1].split('"')[0]
    same = {"Origin": f"http://127.0.0.1:{planned_room.server_address[1]}", "X-CSRF-Token": csrf}
    route = f"/{planned_room.token}/adaptation/scenes/1.2/drop"
    assert _post(planned_room, route, {"X-CSRF-Token": csrf})[0] == 403  # no Origin
    assert _post(planned_room, route, {**same, "X-CSRF-Token": "forged"})[0] == 403
    assert _post(planned_room, "/wrong/adaptation/scenes/1.2/drop", same)[0] == 403
    assert _post(planned_room, f"/{planned_room.token}/adaptation/scenes/1.2/explode", same)[0] == 404
    assert not load_choices(sample_ws, SLUG).scenes
    status, answer = _post(planned_room, f"/{planned_room.token}/adaptation/scenes/9.9/keep", same)
    assert status == 400 and not answer["ok"] and "9.9" in answer["message"]
    status, answer = _post(planned_room, route, same)
    assert status == 200 and answer["ok"] and "dropped" in answer["message"] and "re-planned" in answer["message"]
    assert load_choices(sample_ws, SLUG).of("1.2").drop
    assert not store.load_shots(sample_ws.project(SLUG).db_path, "1.2")  # re-planned without it


def test_drop_and_undo_from_the_page(browser, planned_room, sample_ws):
    from filmsofone.adapt import load_choices

    context = browser.new_context()  # the page's own CSP: the buttons' script must run under it
    page = context.new_page()
    try:
        page.goto(planned_room.url)
        page.locator("#report-scenes summary").click()
        row = page.locator("#report-scenes tr[data-scene='1.2']")
        assert "kept" in row.get_attribute("class")
        with page.expect_navigation(timeout=60000):
            row.locator("button[data-scene-act=drop]").click()
        assert "scene 1.2: dropped" in page.locator("#adaptation-message").inner_text()
        row = page.locator("#report-scenes tr[data-scene='1.2']")
        assert row.is_visible() and "cut" in row.get_attribute("class")  # the scenes table is open again
        assert load_choices(sample_ws, SLUG).of("1.2").drop
        with page.expect_navigation(timeout=60000):
            row.locator("button[data-scene-act=clear]").click()
        assert "back to the adapter's choice" in page.locator("#adaptation-message").inner_text()
        assert "1.2" not in load_choices(sample_ws, SLUG).scenes
        assert "kept" in page.locator("#report-scenes tr[data-scene='1.2']").get_attribute("class")
    finally:
        context.close()
