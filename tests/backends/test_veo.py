"""The Veo adapter (Gemini API and Vertex dialects of predictLongRunning) against a fake Veo service."""

from __future__ import annotations

import base64

import httpx
import pytest

from fakes.hosted_base import drive, run, tiny_png
from fakes.veo import KEY, FakeVeo
from filmsofone import ffmpeg
from filmsofone.backends.base import (GenerationRequest, JobState, OutcomeUnknown, OutputExpired,
                                      Throttled, Transient)
from filmsofone.backends.transport import Transport
from filmsofone.backends.veo import VeoBackend
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeVeo(polls_to_finish=3) as server:
        yield server


def backend(fake, api="gemini", **options) -> VeoBackend:
    base = fake.url + ("/v1beta" if api == "gemini" else "/v1")
    extra = {"project": "film-project", "location": "us-central1"} if api == "vertex" else {}
    return VeoBackend(VeoBackend.make_options({"api": api, "base_url": base, **extra, **options}), key=KEY)


def request(**fields) -> GenerationRequest:
    return GenerationRequest(**{"shot_id": "5.3-001", "prompt": "a train crosses a viaduct in fog",
                                "duration": 8.0, "aspect_ratio": "16:9", **fields})


def test_gemini_success_with_references_and_a_negative_prompt(fake, tmp_path):
    face = tmp_path / "face.png"
    face.write_bytes(tiny_png())
    dest = tmp_path / "take.mp4"
    job_id, status = run(drive(backend(fake), request(negative_prompt="text", references=[face]), dest))
    assert status.state is JobState.SUCCEEDED and job_id.startswith("models/veo-3.1-generate-preview/operations/")
    assert ffmpeg.probe(dest).duration == pytest.approx(8.0, abs=0.1)
    create = fake.creates[0]
    assert create.path == "/v1beta/models/veo-3.1-generate-preview:predictLongRunning"
    body = create.json()
    assert body["parameters"] == {"aspectRatio": "16:9", "durationSeconds": 8, "resolution": "720p",
                                  "sampleCount": 1, "negativePrompt": "text"}
    ref = body["instances"][0]["referenceImages"][0]
    assert ref["referenceType"] == "asset" and base64.b64decode(ref["image"]["bytesBase64Encoded"]) == face.read_bytes()
    assert all("authorization" not in r.headers for r in fake.requests)  # the key goes in x-goog-api-key


def test_vertex_success_with_a_seed_and_inline_bytes(fake, tmp_path):
    dest = tmp_path / "take.mp4"
    job_id, status = run(drive(backend(fake, "vertex"), request(seed=11), dest))
    assert status.state is JobState.SUCCEEDED and status.output_urls[0].startswith("veo-inline:")
    assert ffmpeg.probe(dest).duration == pytest.approx(8.0, abs=0.1)
    assert fake.creates[0].path == ("/v1/projects/film-project/locations/us-central1/publishers/google/models/"
                                    "veo-3.1-generate-preview:predictLongRunning")
    assert fake.creates[0].json()["parameters"]["seed"] == 11
    assert any(r.path.endswith(":fetchPredictOperation") for r in fake.requests)


def test_first_frame_is_bytes_base64(fake, tmp_path):
    frame = tmp_path / "f.png"
    frame.write_bytes(tiny_png())
    run(drive(backend(fake), request(first_frame=frame), tmp_path / "t.mp4"))
    assert fake.creates[0].json()["instances"][0]["image"]["mimeType"] == "image/png"


def test_resource_exhausted_is_throttled(fake, tmp_path):
    fake.fault("create", "throttle")
    with pytest.raises(Throttled, match="exhausted"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert not fake.jobs


@pytest.mark.parametrize("api", ["gemini", "vertex"])
@pytest.mark.parametrize("stage, kind, error", [
    ("create", "unavailable", OutcomeUnknown), ("create", "server_error", OutcomeUnknown),
    ("status", "server_error", Transient)])
def test_server_errors(fake, tmp_path, api, stage, kind, error):
    fake.fault(stage, kind)
    with pytest.raises(error):
        run(drive(backend(fake, api), request(), tmp_path / "t.mp4"))


@pytest.mark.parametrize("api", ["gemini", "vertex"])
def test_rai_filtering_is_a_refusal_with_the_reason(fake, tmp_path, api):
    fake.outcome = "moderated"
    _, status = run(drive(backend(fake, api), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.REFUSED and "violate our policies" in status.error


def test_operation_error_is_failed(fake, tmp_path):
    fake.outcome = "failed"
    _, status = run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    assert status.state is JobState.FAILED and "code 13" in status.error


def test_expired_output_uri(fake, tmp_path):
    fake.expire_outputs = True
    with pytest.raises(OutputExpired):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_malformed_responses(fake, tmp_path):
    fake.fault("status", "malformed")
    with pytest.raises(Transient, match="malformed"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))
    fake.outcome = "no_output"
    with pytest.raises(Transient, match="malformed"):
        run(drive(backend(fake), request(), tmp_path / "t.mp4"))


def test_create_timeout_is_an_unknown_outcome(fake, tmp_path):
    async def go():
        async with backend(fake).client(timeout=0.5) as client:
            await drive(backend(fake), request(), tmp_path / "t.mp4", client=client)

    fake.fault("create", "hang")
    with pytest.raises(OutcomeUnknown):
        run(go())
    assert len(fake.creates) == 1


@pytest.mark.parametrize("fields, words", [
    ({"seed": 5}, "a seed"), ({"duration": 5.0}, "5 s"), ({"aspect_ratio": "1:1"}, "aspect ratio 1:1")])
def test_unsupported_requests_are_refused_before_sending(fake, tmp_path, fields, words):
    with pytest.raises(BackendError, match=words):
        run(drive(backend(fake), request(**fields), tmp_path / "t.mp4"))
    assert fake.requests == []


def test_vertex_needs_a_project(fake):
    with pytest.raises(BackendError, match="project"):
        VeoBackend(VeoBackend.make_options({"api": "vertex"}), key=KEY)


def test_download_never_sends_the_key_to_another_origin(tmp_path):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.host, dict(request.headers)))
        if request.url.host == "api.example":
            return httpx.Response(302, headers={"location": "https://cdn.example/v.mp4"})
        return httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42" + b"x" * 100)

    veo = VeoBackend(VeoBackend.make_options({"base_url": "https://api.example/v1beta"}), key=KEY)
    status = type("S", (), {"output_urls": ["https://api.example/v1beta/files/1:download?alt=media"]})()

    async def go():
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with Transport(veo.contract, veo.base_url(), key_headers=veo.auth_headers(), http=http) as client:
            await veo.download(client, status, tmp_path / "v.mp4")

    run(go())
    assert seen[0][1].get("x-goog-api-key") == KEY
    assert seen[1][0] == "cdn.example" and "x-goog-api-key" not in seen[1][1]


# --- through `filmsofone generate` -----------------------------------------------------------------------

from fakes.hosted_base import assert_key_nowhere, generate_cli, use_keys  # noqa: E402
from fakes.project import SLUG, make_book  # noqa: E402
from filmsofone.generate import chosen_takes, generate_scenes  # noqa: E402


def test_a_scene_generates_through_filmsofone_generate(fake, ws, capsys, caplog, monkeypatch, tmp_path):
    caplog.set_level("DEBUG")
    shots = make_book(ws, shots_per_scene=2, duration=1.5)
    use_keys(monkeypatch, tmp_path, GEMINI_API_KEY=KEY)
    code, out, err = generate_cli(capsys, ws, "veo", {"base_url": fake.url + "/v1beta"})
    assert code == 0, out + err
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == [s.id for s in shots if s.scene == "1.1"]
    for take in takes.values():
        assert ffmpeg.probe(take.path).duration == pytest.approx(4.0, abs=0.1)
    assert len(fake.creates) == 2
    assert generate_cli(capsys, ws, "veo", {"base_url": fake.url + "/v1beta"})[0] == 0 and len(fake.creates) == 2  # cached
    assert_key_nowhere(ws, capsys, KEY, out, err, caplog.text)


def test_engine_states_refused_and_throttled(fake, ws, monkeypatch, tmp_path):
    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, GEMINI_API_KEY=KEY)
    options = {**{"base_url": fake.url + "/v1beta"}, "poll_interval": 0.01}
    fake.outcome = "moderated"
    report = generate_scenes(ws, SLUG, ["1.1"], backend="veo", options=options)
    assert "violate our policies" in report.refused["1.1-001"]
    assert "1.1-001" in generate_scenes(ws, SLUG, ["1.1"], backend="veo", options=options).refused
    fake.outcome = "success"
    fake.fault("create", "throttle")
    report = generate_scenes(ws, SLUG, ["1.2"], backend="veo", options=options)
    assert report.made == ["1.2-001"]


def test_engine_state_unknown_outcome_is_kept_until_the_user_decides(fake, ws, monkeypatch, tmp_path):
    from fakes.hosted_base import check_unknown_outcome

    make_book(ws, shots_per_scene=1, duration=1.0)
    use_keys(monkeypatch, tmp_path, GEMINI_API_KEY=KEY)
    check_unknown_outcome(ws, fake, "veo", {"base_url": fake.url + "/v1beta"})
