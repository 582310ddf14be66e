"""No key in any log, database row, error message, report, command output or export (grepped)."""

from __future__ import annotations

import logging

from filmsofone.cli import main
from filmsofone.generate import generate_scenes, list_takes
from fakes.project import SLUG, make_book

import pytest


def _run_cli(args, capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
        raise SystemExit(0)
    captured = capsys.readouterr()
    return f"{exit_info.value.code}\n{captured.out}\n{captured.err}"


def test_no_key_appears_anywhere(ws, service, capsys, caplog, tmp_path, monkeypatch):
    caplog.set_level(logging.DEBUG)
    make_book(ws, shots_per_scene=3)
    from filmsofone import store

    project = ws.project(SLUG)
    shots = store.load_shots(project.db_path, "1.1")
    shots[0] = shots[0].model_copy(update={"action": "ECHO the request"})  # the fake quotes the auth header
    store.save_shots(project.db_path, "1.1", shots)
    service.echo_auth_in_errors = True

    report = generate_scenes(ws, SLUG, ["1.1"], backend="fakehosted", options={"base_url": service.url})
    assert "1.1-001" in report.failed and "[redacted]" in report.failed["1.1-001"]
    assert len(report.made) == 2

    outputs = [report.model_dump_json(), repr(list_takes(ws, SLUG, "1.1"))]
    monkeypatch.chdir(ws.root)
    outputs.append(_run_cli(["generate", SLUG, "--scene", "1.1", "--backend", "fakehosted",
                             "--option", f"base_url={service.url}", "--resubmit-unknown", "--no-storyboard"], capsys))
    outputs.append(_run_cli(["backends"], capsys))
    outputs.append(_run_cli(["keys", "list"], capsys))
    outputs.append(_run_cli(["takes", SLUG, "--scene", "1.1"], capsys))
    outputs.append(_run_cli(["generate", SLUG, "--scene", "1.1", "--backend", "fakehosted", "--dry-run",
                             "--option", f"base_url={service.url}", "--verbose"], capsys))
    from filmsofone.plan.export import export_shotlist

    for fmt in ("json", "csv"):
        exported = export_shotlist(ws, SLUG, fmt, tmp_path / f"shots.{fmt}")
        outputs.append(exported.read_text() if exported else "")
    outputs.append(caplog.text)

    key = service.key.encode()
    for text in outputs:
        assert service.key not in text
    assert "set (env:FAKEHOSTED_API_KEY)" in "".join(outputs)  # the listing says a key is configured
    leaking = [p for p in tmp_path.rglob("*") if p.is_file() and key in p.read_bytes()]
    assert leaking == []  # the database (and its WAL), clips, exports
