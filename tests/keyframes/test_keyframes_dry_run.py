"""`keyframes --dry-run` shows each keyframe it would make, its references and price, and sends nothing."""

from __future__ import annotations

from fakes.hosted_base import cli, use_keys
from fakes.project import SLUG
from fakes.xai import KEY, FakeXai

from filmsofone import store
from filmsofone.keyframes import make_keyframes

SCENE = "1.1"


def test_the_dry_run_lists_every_shot_with_its_references_and_price(ws, cast, monkeypatch, tmp_path, capsys):
    use_keys(monkeypatch, tmp_path, XAI_API_KEY=KEY)
    shots = store.load_shots(ws.project(SLUG).db_path, SCENE)
    with FakeXai() as fake:
        code, out, err = cli(capsys, "--workspace", ws.root, "keyframes", SLUG, "--scene", SCENE, "--backend",
                             "grok-imagine-image", "--option", f"base_url={fake.url}", "--dry-run")
        assert code == 0, err
        assert fake.requests == []
    report = make_keyframes(ws, SLUG, [SCENE], backend="grok-imagine-image", options={"base_url": "http://x"},
                            dry_run=True)
    rows = {line.split()[1]: line.split() for line in out.splitlines() if line.startswith("│ ")}
    assert sorted(rows) == sorted(s.id for s in shots)
    for plan in report.planned:
        assert rows[plan.shot.id][5] == str(len(plan.request.references))
        assert rows[plan.shot.id][7] == f"${plan.cost:.2f}"
    assert any(len(p.request.references) for p in report.planned)  # the cast's faces are among them
    assert f"{len(shots)} keyframes, estimated ${report.estimated_cost:.2f} on grok-imagine-image" in out


def test_a_generate_dry_run_waiting_for_the_storyboard_names_the_book_to_approve(ws, cast, monkeypatch, tmp_path,
                                                                                  capsys):
    use_keys(monkeypatch, tmp_path, XAI_API_KEY=KEY)
    with FakeXai() as fake:
        code, out, err = cli(capsys, "--workspace", ws.root, "generate", SLUG, "--scene", SCENE, "--backend",
                             "grok-imagine", "--option", f"base_url={fake.url}", "--dry-run")
        assert code == 0, err
        assert fake.requests == []
    assert f"filmsofone keyframes {SLUG} approve SHOT" in " ".join(out.split())
