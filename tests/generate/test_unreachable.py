"""Issue 17.7: an unreachable server is named at once (refused, not "throttled"), with the shot, retried a
bounded number of times with each wait shown; the run stops there with one line naming the host and exit 2,
and the shots not begun are left untouched (a later run makes them)."""

from __future__ import annotations

import time

import pytest
from fakes.hosted_base import cli
from fakes.project import SLUG, make_book
from sqlmodel import select

from filmsofone import store
from filmsofone.store.tables import JobRow


@pytest.mark.parametrize("verbose", [False, True])
def test_a_refused_connection_is_named_at_once_with_the_shot(ws, service, capsys, verbose):
    make_book(ws, shots_per_scene=3)
    started = time.monotonic()
    code, out, err = cli(capsys, "--workspace", ws.root, *(["--verbose"] if verbose else []), "generate", SLUG,
                         "--scene", "1.1", "--backend", "fakehosted", "--option", "base_url=http://127.0.0.1:9",
                         "--no-storyboard")
    elapsed = time.monotonic() - started
    shown = " ".join((out + err).split())
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(errors) == 1 and "cannot reach 127.0.0.1:9 (connection refused)" in errors[0], err
    assert "throttled" not in shown
    assert "shot 1.1-001: fakehosted: cannot reach 127.0.0.1:9: connection refused; try 2 of" in shown  # the wait
    assert shown.count("; try ") <= 12  # bounded: the host is taken as down after three refusals in a row
    assert elapsed < 30
    assert service.create_attempts == []  # nothing reached any server


def test_an_unreachable_server_stops_the_run_and_leaves_the_other_shots_untouched(ws, service, capsys):
    make_book(ws, shots_per_scene=3)
    code, out, err = cli(capsys, "--workspace", ws.root, "generate", SLUG, "--scene", "1.1", "--backend",
                         "fakehosted", "--option", "base_url=http://127.0.0.1:9", "--no-storyboard", "-j", "1")
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2 and len(errors) == 1 and "127.0.0.1:9" in errors[0] and "2 shot(s) not tried" in errors[0]
    assert "failed 1.1-002" not in out + err and "1.1-003" not in out + err
    with store.session_for(ws.project(SLUG).db_path) as session:
        jobs = session.exec(select(JobRow)).all()
    assert [j.shot_id for j in jobs] == ["1.1-001"]  # one shot tried; the others have no job at all
