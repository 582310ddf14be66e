"""The screening room's server without a browser: token, host, confinement, Range."""

import concurrent.futures
import http.client
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cutkit import Book

from filmsofone.watch import open_room
from filmsofone.watch.server import RangeError, confined, parse_range


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """One cut book shared by this module's tests (they only read it)."""
    from filmsofone.assemble import cut_film
    from filmsofone.workspace import Workspace

    ws = Workspace(tmp_path_factory.mktemp("room") / "ws").ensure()
    Book(ws).shoot()
    cut_film(ws, "tale")
    (ws.root / "secret.txt").write_text("not yours")
    return ws


@pytest.fixture(scope="module")
def room(ws):
    server = open_room(ws, "tale")
    yield server
    server.shutdown()
    server.server_close()


def raw_get(server, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """GET exactly `path` (no client-side normalisation of '..')."""
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", (headers or {}).pop("Host", f"127.0.0.1:{port}"))
    for name, value in (headers or {}).items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def test_page_and_film_with_the_token(room):
    status, headers, body = raw_get(room, f"/{room.token}/")
    assert status == 200 and b"The Lantern Test" in body and b'src="film.mp4"' in body
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "unsafe" not in policy.split("script-src")[1].split(";")[0]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">'.encode() in body
    status, headers, body = raw_get(room, f"/{room.token}/film.mp4")
    assert status == 200 and headers["Accept-Ranges"] == "bytes" and body[4:8] == b"ftyp"
    assert headers["Content-Type"] == "video/mp4"


def test_range_requests_for_seeking(room):
    size = room.room.film.stat().st_size
    status, headers, body = raw_get(room, f"/{room.token}/film.mp4", {"Range": "bytes=100-299"})
    assert status == 206 and len(body) == 200 and headers["Content-Range"] == f"bytes 100-299/{size}"
    assert body == room.room.film.read_bytes()[100:300]
    status, headers, body = raw_get(room, f"/{room.token}/film.mp4", {"Range": "bytes=-50"})
    assert status == 206 and body == room.room.film.read_bytes()[-50:]
    status, headers, _ = raw_get(room, f"/{room.token}/film.mp4", {"Range": f"bytes={size}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}"


@pytest.mark.parametrize("path", ["/", "/film.mp4", "/{bad}/", "/{bad}/film.mp4", "/{token}x/film.mp4",
                                  "/{short}/film.mp4"])
def test_requests_without_the_token_are_refused(room, path):
    status, _, body = raw_get(room, path.format(bad="A" * len(room.token), token=room.token, short=room.token[:-1]))
    assert status == 403 and b"MP4" not in body and b"ftyp" not in body


def test_other_hosts_are_refused(room):
    assert raw_get(room, f"/{room.token}/", {"Host": "attacker.example"})[0] == 403
    assert raw_get(room, f"/{room.token}/", {"Host": f"localhost:{room.server_address[1]}"})[0] == 200


@pytest.mark.parametrize("path", [
    "files/../../../secret.txt", "files/..%2f..%2f..%2fsecret.txt", "files/%2e%2e/%2e%2e/%2e%2e/secret.txt",
    "files/clips/../../../../../../etc/passwd", "files//etc/passwd", "files/%2fetc%2fpasswd",
    "cast/../../secret.txt", "cast/..%2f..%2fsecret.txt", "files/filmsofone.db", "files/book.txt",
    "files/clips\\..\\..\\..\\secret.txt", "files/clips/%00.mp4", "thumb/../../secret.txt", "../secret.txt",
    "%2e%2e/secret.txt", "files/cuts/.hidden.mp4",
])
def test_traversal_and_non_media_are_refused(room, path):
    status, _, body = raw_get(room, f"/{room.token}/{path}")
    assert status in (403, 404) and b"not yours" not in body and b"root:" not in body


def test_symlinks_leading_out_are_refused(room, ws):
    link = ws.project("tale").clips_dir / "escape.mp4"
    os.symlink(ws.root / "secret.txt", link)
    assert raw_get(room, f"/{room.token}/files/clips/escape.mp4")[0] == 404
    status, _, body = raw_get(room, f"/{room.token}/files/clips/1.1-001.mp4")
    assert status == 200 and body[4:8] == b"ftyp"


def test_thumbnails_are_storyboard_frames(room):
    status, headers, body = raw_get(room, f"/{room.token}/thumb/1.1-002.jpg")
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and body[:2] == b"\xff\xd8"
    assert raw_get(room, f"/{room.token}/thumb/9.9-999.jpg")[0] == 404


def test_parse_range():
    assert parse_range(None, 1000) is None
    assert parse_range("bytes=0-", 1000) == (0, 999)
    assert parse_range("bytes=10-20", 1000) == (10, 20)
    assert parse_range("bytes=990-5000", 1000) == (990, 999)
    assert parse_range("bytes=-100", 1000) == (900, 999)
    assert parse_range("bytes=0-1,5-9", 1000) is None  # several ranges: the whole file
    for bad in ("bytes=1000-", "bytes=20-10", "bytes=-0", "bytes=-", "items=0-1", "bytes=a-b"):
        with pytest.raises(RangeError):
            parse_range(bad, 1000)


def test_confined(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.mp4").write_bytes(b"x")
    assert confined(tmp_path, "a/f.mp4") == (tmp_path / "a" / "f.mp4").resolve()
    for bad in ("../a/f.mp4", "a/../a/f.mp4", "/etc/passwd", "a//f.mp4", "a/./f.mp4", "", "a", "a/missing.mp4"):
        assert confined(tmp_path / "a" if bad.startswith("..") else tmp_path, bad) is None


def test_watch_command_serves_until_stopped(room, ws):
    command = [str(Path(sys.executable).with_name("filmsofone")), "-w", str(ws.root), "watch", "tale",
               "--no-browser"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        import httpx

        assert httpx.get(url, timeout=10).status_code == 200
        assert httpx.get(url.rsplit("/", 2)[0] + "/", timeout=10).status_code == 403
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_watch_unknown_book_exits_2(ws):
    done = subprocess.run([str(Path(sys.executable).with_name("filmsofone")), "-w", str(ws.root), "watch", "nope",
                           "--no-browser"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "no imported book 'nope'" in done.stderr


def test_room_before_the_cut_then_after_a_reload(tmp_path):
    from filmsofone.assemble import cut_film
    from filmsofone.workspace import Workspace

    ws = Workspace(tmp_path / "fresh").ensure()
    Book(ws).shoot(["1.1-001"])
    server = open_room(ws, "tale")
    try:
        status, _, body = raw_get(server, f"/{server.token}/")
        assert status == 200 and b"No film yet" in body and b"filmsofone cut tale" in body
        assert raw_get(server, f"/{server.token}/film.mp4")[0] == 404
        assert body.count(b"not generated yet") == 5  # storyboard cards of the shots still to make
        cut_film(ws, "tale")
        status, _, body = raw_get(server, f"/{server.token}/")
        assert b'src="film.mp4"' in body and b"No film yet" not in body
        assert raw_get(server, f"/{server.token}/film.mp4")[0] == 200
    finally:
        server.shutdown()
        server.server_close()


def test_a_busy_port_is_a_user_error(ws):
    import socket

    from filmsofone.errors import UserError
    from filmsofone.watch import serve

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UserError, match=f"cannot listen on 127.0.0.1:{port}") as info:
            serve(ws, "tale", port=port, open_browser=False, announce=lambda url: None)
    assert "--port" in info.value.hint


def test_audition_candidates_are_shown_and_served(tmp_path):
    """`cast audition` candidates appear under their character, served from the cast folder."""
    from filmsofone.assemble import cut_film
    from filmsofone.audition import audition
    from filmsofone.bible import load_bible
    from filmsofone.workspace import Workspace

    ws = Workspace(tmp_path / "ws").ensure()
    Book(ws).shoot()
    cut_film(ws, "tale")
    name = load_bible(ws, "tale").characters[0].name
    # In its own thread: the browser tests of this session keep an event loop running on the main thread.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        candidates = pool.submit(audition, ws, "tale", name, n=2).result()
    server = open_room(ws, "tale")
    try:
        status, _, body = raw_get(server, f"/{server.token}/")
        assert status == 200 and f"cast pick tale '{name}' N".encode() in body
        sources = [part.split(b'"')[0].decode() for part in body.split(b'<img src="')[1:]]
        shown = [s for s in sources if "auditions" in s]
        assert len(shown) == len(candidates) == 2
        status, headers, image = raw_get(server, f"/{server.token}/{shown[0]}")
        assert status == 200 and image[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        server.shutdown()
        server.server_close()


def test_each_major_characters_voice_can_be_heard(room):
    """The cast list plays one of the character's lines in their voice (a WAV served from the project)."""
    status, _, body = raw_get(room, f"/{room.token}/")
    sources = [part.split(b'"')[0].decode() for part in body.split(b'<audio class="voice" controls preload="none" src="')[1:]]
    assert len(sources) == 1 and "auditions/voices/samples/c1-" in sources[0]
    status, headers, sound = raw_get(room, f"/{room.token}/{sources[0]}")
    assert status == 200 and sound[:4] == b"RIFF" and sound[8:12] == b"WAVE" and len(sound) > 20000


def test_the_page_reads_the_analysis_once_for_the_whole_cast(ws, monkeypatch):
    """Each voiced character's sample line comes from the analysis the page already read (a novel's cast read it
    once per character: 2.9 of the page's 4.3 s on Pride and Prejudice)."""
    from filmsofone.sound import casting
    from filmsofone.watch import room as page

    reads = []
    original = page.load_analysis
    monkeypatch.setattr(page, "load_analysis", lambda *a, **k: reads.append("page") or original(*a, **k))
    monkeypatch.setattr(casting, "load_analysis", lambda *a, **k: reads.append("voice") or original(*a, **k))
    view = page.gather(ws, "tale")
    assert any(member.voice for member in view.cast) and reads == ["page"]
