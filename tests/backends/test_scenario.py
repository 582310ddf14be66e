"""The Scenario adapter against a fake of Scenario's documented API: a character model, references
uploaded as assets, the job polled, the output asset's URL fetched and downloaded without the key."""

from __future__ import annotations

import base64

import pytest

from fakes.faults import tiny_png
from fakes.hosted_base import make_one, png_files, run, use_keys
from fakes.scenario import KEY, MODEL, SECRET, FakeScenario, basic
from filmsofone.backends import backend_kind, get_backend
from filmsofone.backends.base import Failed, GenerationRequest, Refused
from filmsofone.backends.scenario import ScenarioBackend
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeScenario(polls_to_finish=3) as server:
        yield server


def backend(fake, **options) -> ScenarioBackend:
    made = ScenarioBackend(ScenarioBackend.make_options({"base_url": fake.url, "model": MODEL, "poll_interval": 0.01,
                                                         **options}), key=SECRET, api_key=KEY)
    made.retry_base = made.retry_cap = 0.01
    return made


def still(**fields) -> GenerationRequest:
    return GenerationRequest(**{"shot_id": "1.1-001", "prompt": "Ada at the lamp room window, dusk",
                                "duration": 0.0, "aspect_ratio": "16:9", **fields})


def test_registered_as_an_image_backend_with_two_secrets(monkeypatch, tmp_path):
    assert backend_kind("scenario") == "image"
    use_keys(monkeypatch, tmp_path, SCENARIO_API_SECRET=SECRET)
    monkeypatch.delenv("SCENARIO_API_KEY", raising=False)
    with pytest.raises(BackendError, match="SCENARIO_API_KEY"):
        get_backend("scenario", {"model": MODEL})
    monkeypatch.setenv("SCENARIO_API_KEY", KEY)
    assert get_backend("scenario", {"model": MODEL}).auth_headers() == {"Authorization": basic()}


def test_references_are_uploaded_as_assets_and_named_in_the_generation(fake, tmp_path):
    faces = png_files(tmp_path, 2, "face")
    dest = tmp_path / "still.png"
    run(make_one(backend(fake), still(references=faces), dest))
    uploads = [r for r in fake.requests if r.path == "/v1/assets"]
    assert [r.json()["name"] for r in uploads] == ["face0.png", "face1.png"]
    (create,) = fake.creates
    assert create.path == f"/v1/generate/custom/{MODEL}"
    assert create.json() == {"prompt": still().prompt, "aspectRatio": "16:9", "numOutputs": 1,
                             "referenceImages": ["asset_0001", "asset_0002"]}
    assert fake.received_references() == [[p.read_bytes() for p in faces]]
    assert all(r.headers["authorization"] == basic() for r in fake.requests if r.path.startswith("/v1/"))
    cdn = [r for r in fake.requests if r.path.startswith("/cdn/")]
    assert cdn and all("authorization" not in r.headers for r in cdn)  # the file host gets no key
    assert dest.read_bytes() == tiny_png()


def test_without_references_no_asset_is_uploaded(fake, tmp_path):
    run(make_one(backend(fake), still(), tmp_path / "still.png"))
    assert "referenceImages" not in fake.creates[0].json()
    assert not any(r.path == "/v1/assets" for r in fake.requests)


def test_a_project_id_travels_as_a_query_parameter(fake, tmp_path):
    run(make_one(backend(fake, project_id="proj_9"), still(references=png_files(tmp_path, 1, "face")), tmp_path / "still.png"))
    assert {r.query.get("projectId") for r in fake.requests if r.path.startswith("/v1/")} == {"proj_9"}


def test_no_model_is_refused_before_anything_is_sent(fake, tmp_path):
    with pytest.raises(BackendError, match="--option model="):
        backend(fake, model=None)
    unkeyed = ScenarioBackend(ScenarioBackend.make_options({"base_url": fake.url}))  # a dry run: priced, not sent
    assert unkeyed.cost(0.0) > 0
    unkeyed.check(still())  # a dry run is priced without a model, and says one is needed to run
    assert any("--option model=" in need for need in unkeyed.still_needed())
    assert fake.requests == []


def test_more_references_than_the_model_takes_are_refused_before_sending(fake, tmp_path):
    with pytest.raises(BackendError, match="2 reference image"):
        run(make_one(backend(fake, max_references=1), still(references=png_files(tmp_path, 2, "face")), tmp_path / "s.png"))
    assert fake.requests == []


def test_an_image_too_big_for_the_asset_endpoint_is_refused_before_sending(fake, tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + b"0" * (6 * 1024 * 1024 + 10))
    with pytest.raises(BackendError, match="over 6 MB"):
        run(make_one(backend(fake), still(references=[big]), tmp_path / "s.png"))
    assert fake.creates == []


@pytest.mark.parametrize("outcome, error, words", [("moderated", Refused, "moderation"),
                                                    ("failed", Failed, "out of memory")])
def test_a_job_that_ends_badly(fake, tmp_path, outcome, error, words):
    fake.outcome = outcome
    with pytest.raises(error, match=words):
        run(make_one(backend(fake), still(), tmp_path / "still.png"))


def test_an_unknown_model_fails_with_scenarios_message(fake, tmp_path):
    with pytest.raises(Failed, match="model_nobody not found"):
        run(make_one(backend(fake, model="model_nobody"), still(), tmp_path / "still.png"))


def test_neither_half_of_the_key_nor_the_basic_token_can_appear_in_a_message(fake):
    made = backend(fake)
    token = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
    client = made.client()
    assert {SECRET, KEY, token} <= set(client.secrets)
    run(client.aclose())
    assert "SECRET" not in repr(made)


def test_price_is_an_estimate_the_user_can_override():
    assert ScenarioBackend().cost(0.0) > 0  # never shown as free
    assert ScenarioBackend(ScenarioBackend.make_options({"price_per_clip": 0.01})).cost(0.0) == 0.01


def test_both_halves_can_come_from_the_key_file(monkeypatch, tmp_path):
    from filmsofone.keys import set_key

    monkeypatch.setenv("FILMSOFONE_KEYS_FILE", str(tmp_path / "keys.json"))
    for var in ("SCENARIO_API_KEY", "SCENARIO_API_SECRET"):
        monkeypatch.delenv(var, raising=False)
    set_key("SCENARIO_API_KEY", KEY)
    set_key("SCENARIO_API_SECRET", SECRET)
    assert get_backend("scenario", {"model": MODEL}).auth_headers() == {"Authorization": basic()}
