"""The LLM adapter against a fake OpenAI-compatible server on 127.0.0.1: the answers it accepts and refuses,
the failures of the wire, the cache, the estimate shown before a run."""

from __future__ import annotations

import pytest

from fakes.chat_openai import FakeChat
from filmsofone.adapt import Choices, adapt_book
from filmsofone.adapt.checks import unverbatim_lines
from filmsofone.backends.chat_ask import Estimate
from filmsofone.adapt.llm import adapt_with_model, read_answer, scene_ask
from filmsofone.backends import get_backend
from filmsofone.backends.transport import RetryPolicy
from filmsofone.errors import UserError

FAST = RetryPolicy(attempts=4, base=0.01, cap=0.05)


@pytest.fixture
def fake():
    with FakeChat() as server:
        yield server


def run(story, fake, tmp_path, *, runtime=3600, backend=None, **kw):
    analysis, text = story
    return adapt_with_model(analysis, text, Choices(runtime_seconds=runtime), backend or fake.backend(),
                            tmp_path / "cache",
                            policy=FAST, on_estimate=kw.pop("on_estimate", lambda estimate: None), **kw)


def test_the_model_writes_every_kept_scene_and_its_lines_are_the_books(story, fake, tmp_path):
    analysis, text = story
    adaptation = run(story, fake, tmp_path)
    kept = [s for s in adaptation.scenes if s.kept]
    assert adaptation.adapter == "openai-chat" and not adaptation.warnings
    assert all(s.note == "openai-chat" for s in kept)
    assert len(fake.completions) == len(kept)
    assert not unverbatim_lines(analysis, text, adaptation)
    assert {b.quote for s in kept for b in s.beats if b.kind == "dialogue"} == {q.id for q in analysis.quotes}
    sent = fake.completions[0].json()
    assert sent["model"] == "tiny" and sent["response_format"] == {"type": "json_object"}
    assert "authorization" not in fake.completions[0].headers  # no key configured, none sent


def test_answers_are_cached_and_a_run_resumes_where_it_stopped(story, fake, tmp_path):
    run(story, fake, tmp_path)
    asked = len(fake.completions)
    run(story, fake, tmp_path)
    assert len(fake.completions) == asked  # all cached
    cached = sorted((tmp_path / "cache").glob("*.json"))
    cached[0].unlink()  # as if the run had stopped before that scene
    run(story, fake, tmp_path)
    assert len(fake.completions) == asked + 1


@pytest.mark.parametrize("fault", ["throttle", "server_error", "malformed", "hang"])
def test_wire_failures_are_retried(story, fake, tmp_path, fault):
    fake.hang_seconds = 1.5
    fake.fault("complete", fault, times=2)
    adaptation = run(story, fake, tmp_path, read_timeout=0.5)
    assert not adaptation.warnings and adaptation.adapter == "openai-chat"
    assert len(fake.completions) == len([s for s in adaptation.scenes if s.kept]) + 2


@pytest.mark.parametrize("fault", ["server_error", "malformed", "hang"])
def test_a_paid_completion_of_unknown_outcome_is_not_sent_again(story, fake, tmp_path, fault):
    fake.hang_seconds = 1.5
    fake.fault("complete", fault, times=1)
    adaptation = run(story, fake, tmp_path, read_timeout=0.5, backend=fake.backend(paid=True))
    kept = [s for s in adaptation.scenes if s.kept]
    assert len(fake.completions) == len(kept)  # the failed one was not resent
    assert any("could not be reached" in w for w in adaptation.warnings)  # that scene is offline, and said so


def test_a_completion_is_paid_unless_the_server_is_local():
    def paid(url):
        return get_backend("openai-chat", {"base_url": url}, kind="chat").is_paid()
    assert not paid("http://localhost:11434/v1") and not paid("http://127.0.0.1:8080/v1")
    assert paid("https://api.openai.com/v1") and paid("http://192.168.1.20:11434/v1")


def test_retry_after_is_waited(story, fake, tmp_path):
    waits = []
    fake.fault("complete", "throttle")
    run(story, fake, tmp_path, progress=lambda label, done, total: waits.append(label))
    assert any("try 2 of 4 in 1.0 s" in w for w in waits)  # the fake's Retry-After: 1


def test_a_line_not_in_the_book_is_asked_again_once(story, fake, tmp_path):
    analysis, text = story
    fake.lies = 1
    adaptation = run(story, fake, tmp_path)
    assert not adaptation.warnings
    second = fake.completions[1].json()["messages"]
    assert second[-1]["role"] == "user" and "refused" in second[-1]["content"]
    assert "is not the words of" in second[-1]["content"]
    assert not unverbatim_lines(analysis, text, adaptation)


def test_two_refusals_give_the_offline_scene_and_the_user_is_told(story, fake, tmp_path):
    analysis, text = story
    fake.lies = 2
    adaptation = run(story, fake, tmp_path)
    offline = adapt_book(analysis, text, Choices(runtime_seconds=3600))
    first = adaptation.scenes[0]
    assert first.beats == offline.scenes[0].beats and first.note.startswith("offline (the model's answer was refused")
    assert len(adaptation.warnings) == 1 and adaptation.warnings[0].startswith(f"scene {first.id}:")
    assert not unverbatim_lines(analysis, text, adaptation)
    assert not list((tmp_path / "cache").glob("*.tmp"))


def test_garbled_answers_and_an_unreachable_server_fall_back(story, fake, tmp_path):
    fake.garbled = 2
    adaptation = run(story, fake, tmp_path)
    assert "not the JSON asked for" in adaptation.warnings[0]
    fake.fault("complete", "server_error", times=20)
    adaptation = run(story, fake, tmp_path / "other")
    assert all("could not be reached" in w for w in adaptation.warnings) and adaptation.warnings


def test_the_estimate_comes_before_anything_is_sent_and_a_price_needs_consent(story, fake, tmp_path):
    analysis, text = story
    seen = []

    def refuse(estimate):
        seen.append(estimate)
        raise UserError("not today")

    with pytest.raises(UserError):
        run(story, fake, tmp_path, on_estimate=refuse)
    assert not fake.completions and seen[0].asks == 4 and seen[0].prompt_tokens > 0 and seen[0].usd == 0
    assert isinstance(seen[0], Estimate)  # the one estimate the chat stages share (speaker refinement too)
    paid = fake.backend(price_per_million_input=5.0, price_per_million_output=15.0)
    with pytest.raises(UserError, match="would cost about"):
        adapt_with_model(analysis, text, Choices(runtime_seconds=3600), paid, tmp_path / "c2", policy=FAST)
    assert not fake.completions


def test_read_answer_checks_each_beat(story):
    analysis, text = story
    ask = scene_ask(analysis, text, "1.1", 40.0, "tiny")
    good = '{"beats": [{"kind": "dialogue", "text": "Tom, are you there?", "quote": "q1"}]}'
    assert read_answer(good, ask, text)[1] == []
    for bad, reason in [
        ('{"beats": [{"kind": "dialogue", "text": "Tom, are you there?", "quote": "q99"}]}', "no quotation"),
        ('{"beats": [{"kind": "action", "text": "Ada thought about the sea.", "source": "n2"}]}', "thought"),
        ('{"beats": [{"kind": "action", "text": "Ada is glad that Tom climbs.", "source": "n2"}]}', "thought"),
        ('{"beats": [{"kind": "action", "text": "Ada likes the stairs.", "source": "n2"}]}', "thought"),
        ('{"beats": [{"kind": "action", "text": "said Ada, climbing.", "source": "n2"}]}', "speech tag"),
        ('{"beats": [{"kind": "action", "text": "Ada climbs.", "source": "n99"}]}', "no narration sentence"),
        ('{"beats": [{"kind": "voiceover", "text": "A lighthouse keeper sleeps.", "source": "n1"}]}', "voice-over"),
        ('{"beats": [{"kind": "song", "text": "la"}]}', "not the JSON"),
    ]:
        beats, problems = read_answer(bad, ask, text)
        assert problems and reason in problems[0], (bad, problems)


def test_a_scene_the_model_writes_too_long_is_cut_to_its_budget_at_beat_boundaries(story, fake, tmp_path):
    from filmsofone.adapt.offline import scene_seconds

    analysis, text = story
    offline = adapt_book(analysis, text, Choices(runtime_seconds=60))
    adaptation = run(story, fake, tmp_path, runtime=60)  # the fake copies every quotation: far too long
    cut = 0
    for scene, budgeted in zip(adaptation.scenes, offline.scenes):
        if not scene.kept:
            continue
        assert scene.note == "openai-chat"
        assert scene.seconds <= budgeted.seconds + 0.5 and scene.seconds == round(scene_seconds(scene.beats), 2)
        assert [b.source[0] for b in scene.beats] == sorted(b.source[0] for b in scene.beats)  # text order
        quotes = [q.id for q in analysis.quotes if q.scene == scene.id]
        said = [b.quote for b in scene.beats if b.kind == "dialogue"]
        assert set(said) <= set(quotes)
        cut += len(quotes) - len(said)
    assert cut > 0  # the model wrote every line, more than the budgets hold: whole beats were left out
    assert not unverbatim_lines(analysis, text, adaptation)

