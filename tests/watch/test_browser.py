"""The screening room in a real headless Chromium (Debian's, driven by Playwright)."""

import pytest
from cutkit import Book

from filmsofone.assemble.cut import load_manifest
from filmsofone.watch import open_room

WAIT_MS = 60_000  # what the page may take on a loaded 2-core machine (a wait ends as soon as it holds)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from filmsofone.assemble import cut_film
    from filmsofone.bible import seed_bible
    from filmsofone.bible.edit import add_reference_image
    from filmsofone.workspace import Workspace
    from PIL import Image

    ws = Workspace(tmp_path_factory.mktemp("browser") / "ws").ensure()
    book = Book(ws, shot_seconds=2.0)
    book.shoot(tone=True)
    seed_bible(ws, "tale", book.analysis, book.text)
    face = tmp_path_factory.mktemp("faces") / "ada.png"
    Image.new("RGB", (96, 96), (200, 150, 120)).save(face)
    add_reference_image(ws, "tale", "Ada Quill", face)
    cut_film(ws, "tale")
    (ws.root / "secret.txt").write_text("not yours")
    return ws


@pytest.fixture(scope="module")
def room(ws):
    server = open_room(ws, "tale")
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser, room):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # lets the test eval
    page = context.new_page()
    statuses = []
    page.on("response", lambda response: statuses.append((response.url, response.status)))
    page.statuses = statuses
    page.goto(room.url)
    page.wait_for_function("document.getElementById('film').readyState >= 1", timeout=WAIT_MS)
    yield page
    context.close()


def test_page_shows_film_scenes_shots_and_cast(page, ws):
    assert page.title().startswith("The Lantern Test")
    duration = page.evaluate("document.getElementById('film').duration")
    assert duration == pytest.approx(load_manifest(ws.project("tale").film_path).duration, abs=0.1)
    assert page.locator("section.scene").count() == 3
    assert page.locator("article.shot").count() == 6
    page.wait_for_function("Array.from(document.querySelectorAll('article.shot img'))"
                           ".every(img => img.complete && img.naturalWidth > 0)", timeout=WAIT_MS)
    assert page.locator(".takes a.current").count() == 6
    face = page.locator(".person img.face").first
    assert face.get_attribute("alt") == "Ada Quill"
    assert page.evaluate("(img) => img.naturalWidth", face.element_handle()) == 96


def test_video_plays_and_seeks_with_range_requests(page, room):
    page.evaluate("() => { const v = document.getElementById('film'); v.muted = true; return v.play(); }")
    page.wait_for_function("document.getElementById('film').currentTime > 0.3", timeout=WAIT_MS)
    page.evaluate("""() => new Promise(done => {
        const v = document.getElementById('film');
        v.addEventListener('seeked', done, {once: true});
        v.currentTime = 9.5;
    })""")
    assert page.evaluate("document.getElementById('film').currentTime") == pytest.approx(9.5, abs=0.3)
    page.wait_for_function("document.getElementById('film').currentTime > 9.7", timeout=WAIT_MS)  # plays on
    assert page.evaluate("document.getElementById('film').error") is None
    film_statuses = {status for url, status in page.statuses if url.endswith("/film.mp4")}
    assert 206 in film_statuses


def test_subtitles_and_chapters_tracks(page):
    kinds = page.evaluate("Array.from(document.getElementById('film').textTracks).map(t => t.kind)")
    assert kinds == ["subtitles", "chapters"]
    page.evaluate("Array.from(document.getElementById('film').textTracks).forEach(t => t.mode = 'hidden')")
    page.wait_for_function("Array.from(document.getElementById('film').textTracks).every(t => t.cues && t.cues.length)",
                           timeout=WAIT_MS)
    chapters = page.evaluate("Array.from(document.getElementById('film').textTracks[1].cues).map(c => c.text)")
    assert [c.split(" ")[0] for c in chapters] == ["1.1", "1.2", "2.1"]
    first = page.evaluate("document.getElementById('film').textTracks[0].cues[0].text")
    assert "Mind the lantern" in first


def test_chapter_link_jumps(page, ws):
    start = next(m.start for m in load_manifest(ws.project("tale").film_path).chapters if m.scene == "2.1")
    page.evaluate("document.getElementById('film').muted = true")
    page.click("#chapter-2\\.1")
    page.wait_for_function(f"Math.abs(document.getElementById('film').currentTime - {start}) < 0.5", timeout=WAIT_MS)
    page.wait_for_function("document.querySelector('#chapter-2\\\\.1').classList.contains('now')", timeout=WAIT_MS)


def test_traversal_and_missing_token_refused_to_the_browser(page, room):
    base = room.url.rstrip("/")
    origin = base.rsplit("/", 1)[0]
    for url in (f"{origin}/film.mp4", f"{origin}/", f"{base}/files/%2e%2e/%2e%2e/%2e%2e/secret.txt",
                f"{base}/files/..%2f..%2f..%2fsecret.txt", f"{base}/files/filmsofone.db"):
        response = page.request.get(url)
        assert response.status in (403, 404), url
        assert b"not yours" not in response.body()


def test_page_script_runs_under_its_own_csp(browser, room, ws):
    """Without bypassing the Content-Security-Policy: the page's nonce'd script still drives the chapters."""
    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        page.goto(room.url)
        start = next(m.start for m in load_manifest(ws.project("tale").film_path).chapters if m.scene == "1.2")
        for _ in range(100):
            if page.evaluate("document.getElementById('film').readyState") >= 1:
                break
            page.wait_for_timeout(100)
        page.evaluate("document.getElementById('film').muted = true")
        page.click("#chapter-1\\.2")
        for _ in range(100):
            if abs(page.evaluate("document.getElementById('film').currentTime") - start) < 0.5:
                break
            page.wait_for_timeout(100)
        assert abs(page.evaluate("document.getElementById('film').currentTime") - start) < 0.5
        assert violations == []
    finally:
        context.close()
