"""Failure 3: files that expand without limit are refused within seconds and 300 MB."""

from __future__ import annotations

import io
import json
import zipfile

from fakes.project import SLUG, make_book

from faultkit import cli, error_lines, python

MEASURE = """
import json, resource, sys, time
from pathlib import Path
started = time.monotonic()
try:
    {call}
    outcome = "accepted"
except Exception as exc:
    outcome = f"{{type(exc).__name__}}: {{exc}}"
status = Path("/proc/self/status")  # VmHWM: this process's peak (ru_maxrss would count the parent before exec)
peak = [int(l.split()[1]) for l in status.read_text().splitlines() if l.startswith("VmHWM")] if status.exists() else []
print(json.dumps({{"outcome": outcome, "seconds": time.monotonic() - started,
                  "mb": (peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024}}))
"""


def _measure(call: str, *args: str) -> dict:
    done = python(MEASURE.format(call=call), *args, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _epub_bomb(path, *, unpacked_mb: int = 400, members: int = 1):
    """A small EPUB whose one chapter unpacks to `unpacked_mb` MB (highly compressible text)."""
    opf = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf"><manifest>'
           + "".join(f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>' for i in range(members))
           + "</manifest><spine>" + "".join(f'<itemref idref="c{i}"/>' for i in range(members)) + "</spine></package>")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", '<?xml version="1.0"?><container><rootfiles><rootfile '
                         'full-path="content.opf"/></rootfiles></container>')
        archive.writestr("content.opf", opf)
        chunk = ("<p>" + "all work and no play " * 40 + "</p>\n").encode() * 1000  # ~0.9 MB
        for i in range(members):
            with archive.open(f"c{i}.xhtml", "w", force_zip64=True) as member:
                member.write(b"<html><body>")
                for _ in range(unpacked_mb * 2**20 // len(chunk) // members):
                    member.write(chunk)
                member.write(b"</body></html>")
    return path


def test_an_epub_bomb_is_refused_while_reading(tmp_path):
    bomb = _epub_bomb(tmp_path / "bomb.epub")
    assert bomb.stat().st_size < 8 * 2**20
    found = _measure("from filmsofone.ingest import read_book; read_book(Path(sys.argv[1]))", str(bomb))
    assert found["outcome"].startswith("BadInput") and "more than" in found["outcome"], found
    assert found["seconds"] < 20 and found["mb"] < 300, found


def test_an_epub_spread_over_many_members_is_bounded_in_total(tmp_path):
    bomb = _epub_bomb(tmp_path / "wide.epub", unpacked_mb=200, members=8)  # 25 MB each: under the member limit
    found = _measure("from filmsofone.ingest import read_book; read_book(Path(sys.argv[1]))", str(bomb))
    assert "unpacks to more than 128 MB" in found["outcome"], found
    assert found["seconds"] < 30 and found["mb"] < 300, found


def test_members_are_counted_while_read_not_trusted_by_their_declared_size(tmp_path, monkeypatch):
    from filmsofone.errors import BadInput
    from filmsofone.ingest import epub
    from filmsofone.ingest.reader import read_book

    bomb = _epub_bomb(tmp_path / "small.epub", unpacked_mb=20, members=4)
    monkeypatch.setattr(epub._Members, "check_declared", lambda self, members: None)  # as if the sizes lied
    monkeypatch.setattr(epub, "MAX_UNPACKED_BYTES", 12 << 20)
    read = []
    original = epub._Members.read
    monkeypatch.setattr(epub._Members, "read", lambda self, m: read.append(m) or original(self, m))
    try:
        read_book(bomb)
    except BadInput as exc:
        assert "unpacks to more than 12 MB" in str(exc)
    else:
        raise AssertionError("the EPUB was accepted")
    assert read.count("c2.xhtml") == 1 and "c3.xhtml" not in read  # stopped inside the third chapter


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_in_the_bible_is_refused(ws):
    make_book(ws)
    bible = ws.bible_path(SLUG)
    bible.write_text("book: tiny\nstyle:\n  film_look: " + "x\n" + _alias_bomb(), encoding="utf-8")
    found = _measure("from filmsofone.bible.yamlio import read_document; read_document(Path(sys.argv[1]))",
                     str(bible))
    assert "aliases expand it by more than" in found["outcome"] and f"{bible}:" in found["outcome"], found
    assert found["seconds"] < 10 and found["mb"] < 300, found
    done = cli(ws.root, "cast", "show", SLUG, timeout=60)
    assert done.returncode == 2 and len(error_lines(done)) == 1 and "aliases" in done.stderr, done.stderr


def test_a_few_ordinary_aliases_still_load(tmp_path):
    from filmsofone.bible.yamlio import parse_text, to_plain

    doc = parse_text("base: &b {hair: grey}\nother:\n  <<: *b\n  age: '40'\nboth: [*b, *b]\n", "ok.yaml")
    assert to_plain(doc)["both"] == [{"hair": "grey"}, {"hair": "grey"}]


def test_a_style_pack_too_large_or_too_full_is_refused(ws, tmp_path):
    from filmsofone.bible import pack as packs

    crowded = tmp_path / "crowded.zip"
    with zipfile.ZipFile(crowded, "w") as archive:
        for i in range(packs.MAX_PACK_MEMBERS + 1):
            archive.writestr(f"images/{i}.png", b"")
        archive.writestr("pack.yaml", "version: 1\n")
    done = cli(ws.root, "cast", "import", SLUG, str(crowded), timeout=60)
    assert done.returncode == 2 and "holds more than" in done.stderr
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pack.yaml", "x: " + "y" * (packs.MAX_PACK_YAML_BYTES + 10))
    big = tmp_path / "big.zip"
    big.write_bytes(buffer.getvalue())
    found = _measure("from filmsofone.bible.pack import read_pack; read_pack(Path(sys.argv[1]))", str(big))
    assert "unpacks to more than 8 MB" in found["outcome"], found


def test_a_comfyui_workflow_too_large_is_refused(tmp_path):
    from filmsofone.backends.comfyui import MAX_WORKFLOW_BYTES, load_workflow
    from filmsofone.errors import BackendError

    huge = tmp_path / "workflow.json"
    huge.write_text('{"1": {"class_type": "x", "inputs": {"t": "' + "y" * MAX_WORKFLOW_BYTES + '"}}}')
    try:
        load_workflow(str(huge))
    except BackendError as exc:
        assert "larger than a ComfyUI workflow" in str(exc)
    else:
        raise AssertionError("the workflow was accepted")
