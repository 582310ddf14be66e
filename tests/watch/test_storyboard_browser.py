"""The storyboard in the screening room, in a real headless Chromium: keyframes in shot order with size,
duration and line; approve, another take, replace with an uploaded image; and write routes that refuse
requests without the session token, from another origin, or without the page's CSRF token."""

from __future__ import annotations

import http.client

import pytest
from fakes.project import SLUG, TEXT, make_book
from PIL import Image

from filmsofone import store
from filmsofone.keyframes import approved_keyframe, make_keyframes, storyboard
from filmsofone.watch import open_room

WAIT_MS = 60_000  # what the page may take on a loaded 2-core machine (a wait ends as soon as it holds)


@pytest.fixture
def board_ws(ws):
    from filmsofone.bible import seed_bible

    make_book(ws, shots_per_scene=3)
    seed_bible(ws, SLUG, store.load_analysis(ws.project(SLUG).db_path), TEXT)
    make_keyframes(ws, SLUG, ["1.1"])
    return ws


@pytest.fixture
def room(board_ws):
    server = open_room(board_ws, SLUG)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser, room):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # lets the test eval
    page = context.new_page()
    page.goto(room.url)
    yield page
    context.close()


def approved(ws, shot_id: str) -> bool:
    project = ws.project(SLUG)
    shot = next(s for s in store.load_shots(project.db_path) if s.id == shot_id)
    return approved_keyframe(project, shot) is not None


def test_keyframes_show_in_shot_order_with_size_duration_and_line(page):
    cards = page.locator("#board-1\\.1 article.frame")
    assert cards.count() == 3
    assert [cards.nth(i).get_attribute("data-shot") for i in range(3)] == ["1.1-001", "1.1-002", "1.1-003"]
    page.wait_for_function("Array.from(document.querySelectorAll('#board-1\\\\.1 article.frame img'))"
                           ".every(img => img.complete && img.naturalWidth > 0)", timeout=WAIT_MS)
    assert cards.nth(0).locator(".size").inner_text() == "WS · 1.0 s"
    assert "The lanterns are out" in cards.nth(1).locator(".line").inner_text()
    assert page.locator("#board-1\\.2 article.frame .blank").count() == 3  # no keyframes there yet


def test_approve_another_take_and_replace_from_the_page(page, board_ws, tmp_path):
    page.click("#frame-1\\.1-001 button[data-act=approve]")
    page.wait_for_selector("#frame-1\\.1-001.approved", timeout=WAIT_MS)
    assert approved(board_ws, "1.1-001")
    assert "approved" in page.inner_text("#board-message")

    page.click("#frame-1\\.1-002 button[data-act=retake]")
    page.wait_for_function("document.querySelector('#frame-1\\\\.1-002 .status').textContent.includes('take 2 of 2')",
                           timeout=WAIT_MS)
    assert storyboard(board_ws, SLUG, "1.1")[1].current_number == 2

    painting = tmp_path / "painting.png"
    Image.new("RGB", (400, 300), (30, 160, 60)).save(painting)
    page.set_input_files("#frame-1\\.1-003 input[data-act=replace]", str(painting))
    page.wait_for_selector("#frame-1\\.1-003.approved", timeout=WAIT_MS)
    assert approved(board_ws, "1.1-003")
    page.wait_for_function("(() => { const img = document.querySelector('#frame-1\\\\.1-003 img');"
                           " return img && img.complete && img.naturalWidth > 0; })()", timeout=WAIT_MS)
    colour = page.evaluate("""() => { const img = document.querySelector('#frame-1\\\\.1-003 img');
        const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        return Array.from(g.getImageData(c.width / 2, c.height / 2, 1, 1).data).slice(0, 3); }""")
    assert colour[1] > 120 and colour[0] < 80


def post(room, path: str, headers: dict) -> int:
    host, port = room.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("POST", path, body=b"", headers={"Host": f"127.0.0.1:{port}", "Content-Length": "0", **headers})
    status = conn.getresponse().status
    conn.close()
    return status


def test_write_routes_need_the_token_the_origin_and_the_pages_csrf_token(page, room, board_ws):
    csrf = page.get_attribute('meta[name="csrf-token"]', "content")
    port = room.server_address[1]
    same = {"Origin": f"http://127.0.0.1:{port}", "X-CSRF-Token": csrf}
    route = f"/{room.token}/keyframes/1.1-002/approve"
    assert post(room, "/not-the-token/keyframes/1.1-002/approve", same) == 403
    assert post(room, route, {**same, "Origin": "http://evil.example"}) == 403
    assert post(room, route, {"X-CSRF-Token": csrf}) == 403  # no Origin at all
    assert post(room, route, {**same, "X-CSRF-Token": "forged"}) == 403
    assert post(room, route, {**same, "Sec-Fetch-Site": "cross-site"}) == 403
    assert not approved(board_ws, "1.1-002")
    # a page of another origin cannot drive the route either (the browser sends its own Origin)
    answer = page.evaluate("""([url, csrf]) => fetch(url, {method: 'POST', headers: {'X-CSRF-Token': csrf},
        mode: 'no-cors', referrerPolicy: 'no-referrer'}).then(r => r.status)""",
                           [f"http://localhost:{port}{route}", csrf])
    assert answer == 0 and not approved(board_ws, "1.1-002")  # opaque, and refused by the server
    assert post(room, route, same) == 200 and approved(board_ws, "1.1-002")


def test_the_buttons_work_under_the_pages_own_csp(browser, room, board_ws):
    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page.goto(room.url)
        page.click("#frame-1\\.1-003 button[data-act=approve]")
        for _ in range(100):
            if approved(board_ws, "1.1-003"):
                break
            page.wait_for_timeout(100)
        assert approved(board_ws, "1.1-003") and violations == []
    finally:
        context.close()
