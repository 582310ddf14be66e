"""Prompts: identities verbatim and identical everywhere, budgets, templates, backend capabilities."""

from __future__ import annotations

from typing import ClassVar

import pytest

from filmsofone import backends, store
from filmsofone.backends.base import Backend, Capabilities
from filmsofone.bible import identity_text, load_bible
from filmsofone.bible.edit import set_fields
from filmsofone.errors import BackendError, BibleError, UserError
from filmsofone.prompts import render_prompts

SLUG = "the-lantern-keepers"


class TightBackend(Backend):
    """A hosted-style backend with a short prompt limit and fixed clip lengths."""

    name: ClassVar[str] = "tight-test"
    kind: ClassVar[str] = "video"
    capabilities: ClassVar[Capabilities] = Capabilities(durations=[5.0, 10.0], min_duration=5.0, max_duration=10.0,
                                                        prompt_limit=400, seed=False, negative_prompt=False,
                                                        reference_images=1)


@pytest.fixture
def tight():
    backends.register(TightBackend)
    yield TightBackend.name
    backends.reset_registry()


def _all_shots(ws):
    return store.load_shots(ws.project(SLUG).db_path)


def test_identity_text_is_verbatim_and_identical_in_every_prompt(planned_ws, tight):
    shots = _all_shots(planned_ws)
    bible = load_bible(planned_ws, SLUG)
    for backend in ("animatic", tight):
        prompts = render_prompts(planned_ws, SLUG, shots, backend=backend)
        seen: dict[str, set[str]] = {}
        for shot, prompt in zip(shots, prompts):
            for placed in shot.characters:
                identity = identity_text(bible, placed.character, scene_id=shot.scene)
                assert identity and identity in prompt.prompt, (backend, shot.id, placed.character)
                seen.setdefault(placed.character, set()).add(identity)
        assert seen and all(len(texts) == 1 for texts in seen.values())


def test_every_prompt_fits_its_backend(planned_ws, tight):
    shots = _all_shots(planned_ws)
    names = [cls.name for cls in backends.list_backends()]
    assert "animatic" in names and tight in names and len(names) >= 3
    for backend in names:
        limit = backends.backend_class(backend).capabilities.prompt_limit
        prompts = render_prompts(planned_ws, SLUG, shots, backend=backend)
        assert len(prompts) == len(shots)
        assert all(len(p.prompt) <= limit for p in prompts)
    tight_prompts = render_prompts(planned_ws, SLUG, shots, backend=tight)
    full = render_prompts(planned_ws, SLUG, shots, backend="animatic")
    assert any(len(t.prompt) < len(f.prompt) for t, f in zip(tight_prompts, full))  # something was dropped


def test_over_budget_drops_the_least_important_first(planned_ws, tight):
    shots = _all_shots(planned_ws)
    shot = next(s for s in shots if len(s.characters) == 1 and s.dialogue)
    set_fields(planned_ws, SLUG, shot.characters[0].character,
               ["face=a long pale face with a scar across the left brow and deep-set grey eyes that miss nothing",
                "build=tall and spare, stooped from years on the tower stair"])
    bible = load_bible(planned_ws, SLUG)
    [prompt] = render_prompts(planned_ws, SLUG, [shot], backend=tight)
    assert len(prompt.prompt) <= 400
    assert identity_text(bible, shot.characters[0].character, scene_id=shot.scene) in prompt.prompt
    assert " says: " not in prompt.prompt  # the spoken line went first
    assert prompt.prompt.startswith(("Medium", "Close", "Extreme", "Wide"))  # the framing stays


def test_identities_that_cannot_fit_are_a_bible_error(planned_ws, tight):
    shots = _all_shots(planned_ws)
    shot = next(s for s in shots if s.characters)
    set_fields(planned_ws, SLUG, shot.characters[0].character, ["physical=" + "a very tall man " * 30])
    with pytest.raises(BibleError, match="limit of 400"):
        render_prompts(planned_ws, SLUG, [shot], backend=tight)


def test_capabilities_decide_seed_negative_references_and_duration(planned_ws, tight):
    shots = _all_shots(planned_ws)
    shot = next(s for s in shots if s.characters)
    who = shot.characters[0].character
    image = planned_ws.bible_assets_dir(SLUG) / "face.png"
    image.parent.mkdir(parents=True, exist_ok=True)
    from PIL import Image

    Image.new("RGB", (8, 8)).save(image)
    set_fields(planned_ws, SLUG, who, [f"reference_images=[casts/{SLUG}/face.png]"])
    [loose] = render_prompts(planned_ws, SLUG, [shot], backend="animatic")
    [strict] = render_prompts(planned_ws, SLUG, [shot], backend=tight)
    assert loose.seed is not None and loose.negative_prompt and loose.references == [f"casts/{SLUG}/face.png"]
    assert loose.duration == pytest.approx(shot.duration)
    assert strict.seed is None and strict.negative_prompt == "" and strict.references == [f"casts/{SLUG}/face.png"]
    assert strict.duration in (5.0, 10.0)
    assert render_prompts(planned_ws, SLUG, [shot], backend="animatic")[0].seed == loose.seed  # stable


def test_the_backend_must_accept_what_the_prompt_asks(planned_ws, tight):
    from filmsofone.backends.base import GenerationRequest

    shots = _all_shots(planned_ws)
    for prompt in render_prompts(planned_ws, SLUG, shots[:40], backend=tight):
        TightBackend().check(GenerationRequest(shot_id=prompt.shot_id, prompt=prompt.prompt,
                                               negative_prompt=prompt.negative_prompt, seed=prompt.seed,
                                               duration=prompt.duration, aspect_ratio=prompt.aspect_ratio))


def test_workspace_templates_override_and_undefined_variables_fail(planned_ws):
    shots = _all_shots(planned_ws)[:3]
    planned_ws.templates_dir.mkdir()
    (planned_ws.templates_dir / "animatic.j2").write_text("{{ framing }} | {{ action }}\n", encoding="utf-8")
    prompts = render_prompts(planned_ws, SLUG, shots, backend="animatic")
    assert all(" | " in p.prompt for p in prompts)
    (planned_ws.templates_dir / "animatic.j2").write_text("{{ framing }} {{ mood_of_the_day }}\n", encoding="utf-8")
    with pytest.raises(UserError, match="mood_of_the_day"):
        render_prompts(planned_ws, SLUG, shots, backend="animatic")


def test_unknown_backend_is_a_user_error(planned_ws):
    shots = _all_shots(planned_ws)[:1]
    with pytest.raises(BackendError, match="unknown backend"):
        render_prompts(planned_ws, SLUG, shots, backend="no-such-backend")


def test_packaged_templates_render_every_family(story):
    from filmsofone.prompts import shot_context
    from filmsofone.prompts.env import make_env, render, template_for
    from plan.conftest import plan

    analysis, text = story
    shot = next(s for s in plan(analysis, "1.1", text) if s.dialogue and s.characters)
    context = shot_context(shot, analysis, None, text)
    env = make_env(None)
    for family in ("default", "video", "image", "animatic"):
        prompt = render(template_for(env, family, family), context)
        assert "Ada Quill" in prompt and "\n" not in prompt
        assert ("says:" in prompt) == (family != "image")


def test_speech_tags_read_as_action_in_prompts(story):
    from filmsofone.models import Shot
    from filmsofone.prompts import shot_context

    analysis, text = story
    shot = Shot(id="1.1-009", scene="1.1", order=9, action="said Ada, lifting the lamp higher,", dialogue=["q1"])
    assert shot_context(shot, analysis, None, text)["action"] == "Ada Quill speaks, lifting the lamp higher."
    tag_only = shot.model_copy(update={"action": "said Ada."})
    assert shot_context(tag_only, analysis, None, text)["action"] == "Ada Quill speaks."
    long = shot.model_copy(update={"action": "said Ada, and she walked the whole length of the room and back "
                                             "again before she turned. She sat."})
    assert shot_context(long, analysis, None, text)["action"].startswith("And she walked the whole length")
    plain = shot.model_copy(update={"action": "Ada turned to the window."})
    assert shot_context(plain, analysis, None, text)["action"] == "Ada turned to the window."


def test_the_tag_is_the_one_the_analysis_recorded_not_words_that_look_like_one(story):
    """Only the quotation's recorded tag is read: narration that merely opens with a speech verb stays."""
    from filmsofone.models import Shot
    from filmsofone.prompts import shot_context

    analysis, text = story
    untagged = next(q for q in analysis.quotes if q.tag is None)
    shot = Shot(id="1.1-009", scene=untagged.scene, order=9, action="said nothing and turned away",
                dialogue=[untagged.id])
    assert shot_context(shot, analysis, None, text)["action"] == "Said nothing and turned away"
    tagged = next(q for q in analysis.quotes if q.tag is not None and q.tag.who == "Tom")
    other = shot.model_copy(update={"action": "said Ada, smiling", "dialogue": [tagged.id]})  # not this line's tag
    assert shot_context(other, analysis, None, text)["action"] == "Said Ada, smiling"


def test_the_scene_intent_gives_each_prompt_its_mood(planned_ws):
    from filmsofone.plan import set_intent
    from filmsofone.plan.intent import mood_at

    assert mood_at("from dread to relief", 0.1) == "dread" and mood_at("from dread to relief", 0.9) == "relief"
    assert mood_at(None, 0.5) == ""
    set_intent(planned_ws, SLUG, "1.2", "from dread to relief")
    shots = store.load_shots(planned_ws.project(SLUG).db_path, "1.2")
    prompts = render_prompts(planned_ws, SLUG, shots, backend="animatic")
    assert "Mood: dread." in prompts[1].prompt and "Mood: relief." in prompts[-1].prompt
    other = render_prompts(planned_ws, SLUG, store.load_shots(planned_ws.project(SLUG).db_path, "1.1")[:3])
    assert all("Mood:" not in p.prompt for p in other)


def test_a_cutaway_shows_the_listener_listening_and_the_line_is_heard_off_screen(story):
    """A long line cut to the listener: the listener's face, and nobody in the picture says the words."""
    from filmsofone.models import InFrame
    from filmsofone.prompts import shot_context
    from plan.conftest import plan

    analysis, text = story
    shots = [s for scene in analysis.scenes for s in plan(analysis, scene.id, text, max_clip=2.0)]
    cutaways = [s for s in shots if s.kind == "cutaway"]
    assert cutaways, "a 2-second clip limit cuts a long line to its listener"
    names = {c.id: c.name for c in analysis.characters}
    for shot in cutaways:
        quote = next(q for q in analysis.quotes if q.id == shot.dialogue[0])
        listener = shot.characters[0].character
        assert listener != quote.speaker
        context = shot_context(shot, analysis, None, text)
        assert context["action"] == f"{names[listener]} listens to {names[quote.speaker]}."
        assert f"{names[quote.speaker]} says:" not in context["dialogue"]
        assert f"{names[quote.speaker]}, off screen, is heard saying:" in context["dialogue"]
        seen = shot.model_copy(update={"characters": [InFrame(character=quote.speaker)]})
        assert f"{names[quote.speaker]} says:" in shot_context(seen, analysis, None, text)["dialogue"]
