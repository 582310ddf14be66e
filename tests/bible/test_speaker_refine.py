"""`filmsofone speakers S --refine`: the least sure lines re-attributed by a chat backend (a fake OpenAI-compatible
server on 127.0.0.1), validated, cached, estimated before sending, kept across re-import below the user's fixes."""

from __future__ import annotations

import json

import pytest

from fakes.chat_openai import FakeChat
from fakes.hosted_base import Reply
from filmsofone import bible, store
from filmsofone.analysis.refine import lines_to_refine, read_answer, refine_speakers
from filmsofone.backends.chat_ask import Estimate
from filmsofone.backends.transport import RetryPolicy
from filmsofone.bible.speaker_fixes import fix_speaker, llm_fixes_path, refine_with_model
from filmsofone.errors import UserError
from filmsofone.workspace import Workspace

from .helpers import TEXT, make_analysis, run_cli, store_book

FAST = RetryPolicy(attempts=4, base=0.01, cap=0.05)
TRUE_SPEAKERS = ["c1", "c2", "c3", "c1"]


@pytest.fixture
def fake():
    with FakeChat() as server:
        yield server


def unsure_analysis():
    """q1 found for no one, q2 and q3 given to the wrong speaker with low confidence, q4 sure."""
    analysis = make_analysis()
    for quote, (speaker, method, confidence) in zip(analysis.quotes, [(None, "none", None), ("c1", "turn-taking", 0.3),
                                                                      ("c1", "nearby", 0.2), ("c1", "explicit", 0.9)]):
        quote.speaker, quote.method, quote.confidence = speaker, method, confidence
    return analysis


def store_unsure(ws: Workspace):
    analysis = unsure_analysis()
    project = ws.project("quills").ensure()
    project.text_path.write_text(TEXT, encoding="utf-8")
    store.save_analysis(project.db_path, analysis, source_path="quills.txt")
    return analysis


def refine(analysis, fake, tmp_path, *, backend=None, **kw):
    kw.setdefault("below", 0.5)
    return refine_speakers(analysis, TEXT, backend or fake.backend(), tmp_path / "cache", policy=FAST,
                           on_estimate=kw.pop("on_estimate", lambda estimate: None), **kw)


def test_the_unsure_lines_get_the_speakers_the_model_names(fake, tmp_path):
    analysis = unsure_analysis()
    seen = []
    result = refine(analysis, fake, tmp_path, on_estimate=seen.append)
    assert isinstance(seen[0], Estimate) and seen[0].asks == 3 and seen[0].cached == 0  # shared with `adapt`
    assert [q.speaker for q in analysis.quotes] == TRUE_SPEAKERS
    assert [q.method for q in analysis.quotes] == ["llm", "llm", "llm", "explicit"]
    assert [q.confidence for q in analysis.quotes] == [0.6, 0.6, 0.6, 0.9]
    assert result.changed == [("q1", None, "c1"), ("q2", "c1", "c2"), ("q3", "c1", "c3")] and not result.warnings
    assert len(fake.completions) == 3  # the sure line was not asked
    sent = fake.completions[1].json()
    assert sent["model"] == "tiny" and sent["response_format"] == {"type": "json_object"}
    asked = json.loads(sent["messages"][1]["content"])
    assert "\u27e6I know,\u27e7" in asked["text"]
    assert {"id": "c2", "name": "Tom Quill", "aliases": ["Tom"], "gender": "male"} in asked["characters"]
    assert asked["analysis_guess"] == "Ada Quill"


def test_the_least_sure_come_first_under_a_limit_and_fixed_or_answered_lines_are_never_asked():
    analysis = unsure_analysis()
    assert [q.id for q in lines_to_refine(analysis, 0.5)] == ["q1", "q2", "q3"]
    assert [q.id for q in lines_to_refine(analysis, 0.5, limit=2)] == ["q1", "q3"]  # none, then 0.2; book order
    assert [q.id for q in lines_to_refine(analysis, 0.95)] == ["q1", "q2", "q3", "q4"]
    analysis.quotes[0].method = "user"
    analysis.quotes[2].method = "llm"  # answered by the model in an earlier run
    assert [q.id for q in lines_to_refine(analysis, 0.5)] == ["q2"]


def test_an_agreeing_answer_raises_the_confidence_and_unknown_leaves_the_line(fake, tmp_path):
    analysis = unsure_analysis()
    analysis.quotes[1].speaker = "c2"  # the analysis had it right, unsure
    analysis.quotes[2].spans = [(0, len("CHAPTER I."))]  # no tag, nobody named before it
    result = refine(analysis, fake, tmp_path)
    assert result.agreed == ["q2"] and analysis.quotes[1].confidence == 0.8
    assert result.unknown == ["q3"]
    assert (analysis.quotes[2].speaker, analysis.quotes[2].method, analysis.quotes[2].confidence) == ("c1", "nearby", 0.2)


def test_answers_are_cached_and_a_run_resumes_where_it_stopped(fake, tmp_path):
    refine(unsure_analysis(), fake, tmp_path)
    assert len(fake.completions) == 3
    again = refine(unsure_analysis(), fake, tmp_path)
    assert len(fake.completions) == 3 and again.cached == 3 and again.asked == 0
    assert len(again.changed) == 3
    sorted((tmp_path / "cache").glob("*.json"))[0].unlink()  # as if the run had stopped before that line
    refine(unsure_analysis(), fake, tmp_path)
    assert len(fake.completions) == 4
    assert not list((tmp_path / "cache").glob("*.tmp"))


@pytest.mark.parametrize("fault", ["throttle", "server_error", "malformed", "hang"])
def test_wire_failures_of_a_local_server_are_retried(fake, tmp_path, fault):
    fake.hang_seconds = 1.5
    fake.fault("complete", fault, times=2)
    analysis = unsure_analysis()
    result = refine(analysis, fake, tmp_path, read_timeout=0.5)
    assert not result.warnings and [q.speaker for q in analysis.quotes] == TRUE_SPEAKERS
    assert len(fake.completions) == 3 + 2


def test_retry_after_is_waited_and_shown(fake, tmp_path):
    shown = []
    fake.fault("complete", "throttle")
    refine(unsure_analysis(), fake, tmp_path, progress=lambda label, done, total: shown.append(label))
    assert any("try 2 of 4 in 1.0 s" in label for label in shown)  # the fake's Retry-After: 1
    assert shown[-1] == "speakers: asking openai-chat"


@pytest.mark.parametrize("fault", ["server_error", "malformed", "hang"])
def test_a_paid_completion_of_unknown_outcome_is_not_sent_again_and_the_line_stays(fake, tmp_path, fault):
    fake.hang_seconds = 1.5
    fake.fault("complete", fault, times=1)
    analysis = unsure_analysis()
    result = refine(analysis, fake, tmp_path, read_timeout=0.5, backend=fake.backend(paid=True))
    assert len(fake.completions) == 3  # the failed one was not resent
    assert len(result.warnings) == 1 and result.warnings[0].startswith("q1: the model could not be reached")
    assert analysis.quotes[0].speaker is None and analysis.quotes[0].method == "none"
    assert len(list((tmp_path / "cache").glob("*.json"))) == 2  # nothing cached for the failed line


def test_a_character_that_does_not_exist_is_asked_again_once(fake, tmp_path):
    fake.strangers = 1
    analysis = unsure_analysis()
    result = refine(analysis, fake, tmp_path)
    assert not result.warnings and [q.speaker for q in analysis.quotes] == TRUE_SPEAKERS
    second = fake.completions[1].json()["messages"]
    assert second[-2] == {"role": "assistant", "content": '{"speaker": "c999"}'}
    assert second[-1]["role"] == "user" and "there is no character 'c999'" in second[-1]["content"]


@pytest.mark.parametrize("fault", ["strangers", "garbled"])
def test_two_bad_answers_leave_the_line_as_it_was_and_the_user_is_told(fake, tmp_path, fault):
    setattr(fake, fault, 2)
    analysis = unsure_analysis()
    result = refine(analysis, fake, tmp_path)
    assert analysis.quotes[0].speaker is None and analysis.quotes[0].method == "none"
    assert [q.speaker for q in analysis.quotes[1:]] == TRUE_SPEAKERS[1:]
    assert len(result.warnings) == 1 and result.warnings[0].startswith("q1: ")
    assert ("no character 'c999'" if fault == "strangers" else "not the JSON asked for") in result.warnings[0]
    assert len(fake.completions) == 4


def test_answers_are_validated():
    known = {"c1", "c2"}
    assert read_answer('```json\n{"speaker": "c2"}\n```', known) == ("c2", [])
    assert read_answer('{"speaker": "Unknown"}', known) == (None, [])
    assert read_answer('{"speaker": "Tom Quill"}', known)[1]  # a name, not an id
    assert read_answer('{"who": "c1"}', known)[1]
    assert read_answer("c1", known)[1]


def test_a_paid_run_without_the_users_word_sends_nothing(fake, tmp_path):
    analysis = unsure_analysis()
    with pytest.raises(UserError, match="may cost money"):
        refine_speakers(analysis, TEXT, fake.backend(paid=True), tmp_path / "cache", below=0.5)
    with pytest.raises(UserError, match="may cost money"):
        refine_speakers(analysis, TEXT, fake.backend(price_per_million_input=5.0), tmp_path / "cache", below=0.5)
    assert not fake.requests


def test_model_speakers_survive_reimport_and_the_users_fix_wins(fake, ws: Workspace):
    store_unsure(ws)
    refine_with_model(ws, "quills", fake.backend(), policy=FAST)
    assert [r["character"] for r in json.loads(llm_fixes_path(ws, "quills").read_text())["fixes"]] == \
        ["Ada Quill", "Tom Quill", "Mr. Quill"]
    fix_speaker(ws, "quills", "q2", "Mr. Quill")  # the user disagrees with the model on q2

    fresh = store_book(ws)
    for quote, speaker, confidence in ((fresh.quotes[0], None, None), (fresh.quotes[2], "c1", 0.2)):
        quote.speaker, quote.confidence = speaker, confidence  # the re-import is as unsure as before
    bible.seed_bible_with_report(ws, "quills", fresh, TEXT)
    again = store.load_analysis(ws.project("quills").db_path)
    assert [q.speaker for q in again.quotes] == ["c1", "c3", "c3", "c1"]
    assert [q.method for q in again.quotes] == ["llm", "user", "llm", "explicit"]
    assert again.quotes[0].confidence == 0.6 and again.quotes[1].confidence == 1.0


def test_the_command_estimates_then_refines(capsys, fake, ws: Workspace):
    store_unsure(ws)
    base = ["--workspace", str(ws.root), "speakers", "quills", "--refine", "-o", f"base_url={fake.url}/v1",
            "-o", "model=tiny"]
    code, out, err = run_cli(capsys, *base, "--estimate")
    assert code == 0 and "3 line(s) to ask openai-chat (0 cached)" in err and "$0.00" in err
    assert not fake.requests
    code, out, err = run_cli(capsys, *base)
    assert code == 0, err
    assert "q2: Ada Quill -> Tom Quill" in out and "q1: nobody -> Ada Quill" in out
    assert "3 line(s) refined (3 asked, 0 cached): 3 changed" in out
    assert [q.speaker for q in store.load_analysis(ws.project("quills").db_path).quotes] == TRUE_SPEAKERS


@pytest.mark.parametrize("extra, needle", [
    (["-o", "paid=true"], "may be billed"),
    (["-o", "price_per_million_input=3"], "may be billed"),
    (["--backend", "nope"], "nope"),
    (["--below", "0"], "--below must be between 0 and 1"),
])
def test_a_refused_refine_is_one_line_exit_2_and_sends_nothing(capsys, fake, ws: Workspace, extra, needle):
    store_unsure(ws)
    code, out, err = run_cli(capsys, "--workspace", str(ws.root), "speakers", "quills", "--refine",
                          "-o", f"base_url={fake.url}/v1", *extra)
    lines = [line for line in err.splitlines() if line.strip() and "line(s) to ask" not in line]
    assert code == 2 and len(lines) == 1 and needle in lines[0], err
    assert not fake.requests


def test_refine_options_without_refine_are_refused(capsys, ws: Workspace):
    store_unsure(ws)
    code, _, err = run_cli(capsys, "--workspace", str(ws.root), "speakers", "quills", "--estimate")
    assert code == 2 and "go with --refine" in err


def test_a_model_record_gives_way_to_a_surer_fresh_analysis(fake, ws: Workspace):
    store_unsure(ws)
    refine_with_model(ws, "quills", fake.backend(), policy=FAST)
    fresh = store_book(ws)  # the re-import is sure of every line now (0.95, explicit), q1 even of someone else
    fresh.quotes[0].speaker = "c2"
    fresh.quotes[1].confidence = 0.5  # but less sure of q2 than the model was (0.6)
    bible.seed_bible_with_report(ws, "quills", fresh, TEXT)
    again = store.load_analysis(ws.project("quills").db_path)
    assert [(q.speaker, q.method) for q in again.quotes] == [("c2", "explicit"), ("c2", "llm"), ("c3", "explicit"),
                                                            ("c1", "explicit")]


class _NoModelList(FakeChat):
    """A compatible server without the model list (some proxies): GET /v1/models is 404."""

    def route(self, req):
        if req.method == "GET":
            return Reply(404, {"error": {"message": "no route"}})
        return super().route(req)


def test_a_server_without_a_model_list_is_there_all_the_same(tmp_path):
    """The check before the first question only asks whether a server answers; an error status is an answer."""
    with _NoModelList() as server:
        refinement = refine_speakers(unsure_analysis(), TEXT, server.backend(), tmp_path / "cache", policy=FAST,
                                     below=0.5)
        assert [r.method for r in server.requests][:1] == ["GET"] and len(server.completions) == refinement.asked > 0
