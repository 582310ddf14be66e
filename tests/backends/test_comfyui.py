"""The ComfyUI adapter against the fake ComfyUI server (real sockets, real MP4s)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from pathlib import Path

import httpx
import pytest

from fakes._base import drive
from fakes.comfyui import FakeComfyUI
from filmsofone import ffmpeg
from filmsofone.backends.base import (Failed, GenerationRequest, JobState, OutcomeUnknown, OutputExpired, Throttled,
                                      Transient, Unreachable)
from filmsofone.backends.transport import Contract, Step, Transport
from filmsofone.backends.comfyui import (ComfyUIBackend, fill, load_workflow, parse_lora, placeholders,
                                         safe_output_name, ws_messages)
from filmsofone.errors import BackendError


@pytest.fixture
def fake():
    with FakeComfyUI(job_seconds=0.2) as server:
        yield server


def backend_for(*servers, **options) -> ComfyUIBackend:
    cls = ComfyUIBackend
    return cls(cls.make_options({"url": [s.url for s in servers], **options}))


def request(shot_id="1.1-001", duration=1.0, **extra) -> GenerationRequest:
    fields = dict(shot_id=shot_id, prompt="a lighthouse at dusk", negative_prompt="blurry", seed=7,
                  duration=duration, resolution="320x180", fps=24, idempotency_key=f"key-{shot_id}")
    fields.update(extra)
    return GenerationRequest(**fields)


def run_job(backend, req, dest: Path, **kwargs):
    return drive(backend, req, dest, **kwargs)


def test_a_shot_renders_and_downloads_a_real_clip(fake, tmp_path):
    backend = backend_for(fake)
    dest = tmp_path / "clip.mp4"
    job_id, status = asyncio.run(run_job(backend, request(duration=1.5), dest))
    assert status.state == JobState.SUCCEEDED
    info = ffmpeg.probe(dest)
    assert abs(info.duration - 1.5) < 0.1 and (info.width, info.height) == (320, 180)
    assert ffmpeg.decode_errors(dest) == ""
    assert fake.submissions == 1 and job_id.endswith("@" + fake.url)
    graph = fake.records[job_id.split("@")[0]]["graph"]
    assert graph["1"]["inputs"]["batch_size"] == 36 and graph["2"]["inputs"]["seed"] == 7  # typed values
    extra = fake.records[job_id.split("@")[0]]["extra"]["extra_pnginfo"]["filmsofone"]
    assert extra["prompt"] == "a lighthouse at dusk" and extra["negative_prompt"] == "blurry"


def test_progress_comes_from_the_websocket(fake, tmp_path):
    backend = backend_for(fake)
    fake.job_seconds = 1.0
    seen = []

    async def go():
        async with backend.client() as client:
            job_id = await backend.submit(client, request())
            while True:
                status = await backend.status(client, job_id)
                seen.append(status.progress)
                if status.state == JobState.SUCCEEDED:
                    return
                await asyncio.sleep(0.1)

    asyncio.run(go())
    assert fake.ws_connections >= 1
    assert any(p is not None and 0 < p < 1 for p in seen), seen


def test_ws_client_reads_the_message_order(fake):
    async def go():
        messages = []
        async with httpx.AsyncClient() as client:
            agen = ws_messages(f"{fake.url}/ws?clientId=me")
            first = await agen.__anext__()
            body = {"prompt": load_workflow("weightless") | {}, "client_id": "me", "prompt_id": "p1"}
            body["prompt"] = fill(body["prompt"], {"width": 64, "height": 64, "frames": 4, "fps": 4, "seed": 1,
                                                   "filename_prefix": "video/t"})
            await client.post(f"{fake.url}/prompt", json=body)
            async for message in agen:
                messages.append(message)
                if message["type"] == "executing" and message["data"]["node"] is None:
                    break
            await agen.aclose()
            return first, messages

    first, messages = asyncio.run(go())
    assert first["type"] == "status"
    kinds = [m["type"] for m in messages]
    assert kinds[0] == "execution_start" and "executed" in kinds and kinds[-2:] == ["execution_success", "executing"]


def test_a_resend_finds_the_queued_prompt_instead_of_queueing_again(fake, tmp_path):
    fake.hang_prompt, fake.hang_seconds = 1, 1.5
    backend = backend_for(fake)

    async def go():
        async with Transport(Contract("comfyui", timeout=0.5)) as client:
            with pytest.raises(OutcomeUnknown):
                await backend.submit(client, request())  # queued, but the answer never came in time
            again = await backend.submit(client, request())  # the engine resends (idempotent_create)
            return again

    job_id = asyncio.run(go())
    assert fake.submissions == 1 and job_id.startswith(backend.prompt_id(request()))
    dest = tmp_path / "c.mp4"
    asyncio.run(run_job(backend, request(), dest))
    assert fake.submissions == 1 and ffmpeg.probe(dest).video


def test_shots_spread_across_servers(tmp_path):
    with FakeComfyUI(job_seconds=0.3) as one, FakeComfyUI(job_seconds=0.3) as two:
        backend = backend_for(one, two)

        async def go():
            async with backend.client() as client:
                ids = [await backend.submit(client, request(shot_id=f"1.1-00{i}")) for i in range(4)]
                return ids

        ids = asyncio.run(go())
        assert one.submissions == 2 and two.submissions == 2
        assert {i.split("@")[1] for i in ids} == {one.url, two.url}
        assert backend.concurrency() == 4


def test_throttle_and_server_errors_map_to_retryable_failures(fake):
    backend = backend_for(fake)
    fake.throttle, fake.retry_after = 1, "3"

    async def go():
        async with backend.client() as client:
            with pytest.raises(Throttled) as caught:
                await backend.submit(client, request())
            assert caught.value.retry_after == 3.0
            job_id = await backend.submit(client, request())
            fake.server_errors = 1
            with pytest.raises(Transient):
                await backend.status(client, job_id)
            fake.malformed = 1
            with pytest.raises(Transient, match="malformed"):
                await backend.status(client, job_id)

    asyncio.run(go())
    assert fake.submissions == 1


def test_a_validation_error_is_reported_with_its_node(fake, tmp_path):
    image = tmp_path / "first.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    backend = backend_for(fake, workflow="weightless-i2v")
    fake.uploads.clear()

    async def go():
        async with backend.client() as client:
            # the upload works, then the fake forgets it, so /prompt fails validation on LoadImage
            original = backend._upload

            async def forgetful(*args):
                await original(*args)
                return "does_not_exist.png"

            backend._upload = forgetful
            await backend.submit(client, request(first_frame=image, seed=1))

    with pytest.raises(Failed, match="LoadImage.*does_not_exist.png"):
        asyncio.run(go())
    assert fake.submissions == 0


def test_the_first_frame_is_uploaded_and_used(fake, tmp_path):
    from PIL import Image

    image = tmp_path / "first.png"
    Image.new("RGB", (64, 36), "orange").save(image)
    backend = backend_for(fake, workflow="weightless-i2v")
    dest = tmp_path / "c.mp4"
    job_id, status = asyncio.run(run_job(backend, request(first_frame=image), dest))
    assert status.state == JobState.SUCCEEDED and ffmpeg.probe(dest).video
    graph = fake.records[job_id.split("@")[0]]["graph"]
    assert graph["1"]["inputs"]["image"] in fake.uploads


def test_an_execution_error_fails_the_take(fake, tmp_path):
    fake.fail = 1
    _, status = asyncio.run(run_job(backend_for(fake), request(), tmp_path / "c.mp4"))
    assert status.state == JobState.FAILED and "libx264" in status.error


def test_a_lost_prompt_fails_instead_of_polling_forever(fake, tmp_path):
    fake.lose = 1
    _, status = asyncio.run(run_job(backend_for(fake), request(), tmp_path / "c.mp4"))
    assert status.state == JobState.FAILED and "neither the history nor the queue" in status.error


def test_an_output_name_escaping_the_output_folder_is_refused(fake, tmp_path):
    fake.escape_filename = True
    dest = tmp_path / "out" / "c.mp4"
    dest.parent.mkdir()
    _, status = asyncio.run(run_job(backend_for(fake), request(), dest))
    assert status.state == JobState.FAILED and "outside the output folder" in status.error
    assert not dest.exists() and not (tmp_path / "escaped.mp4").exists()
    for bad in ({"filename": "../x.mp4"}, {"filename": "a/b.mp4"}, {"filename": "x.mp4", "subfolder": "../.."},
                {"filename": "x.mp4", "subfolder": "/etc"}, {"filename": "x.mp4", "type": "input"}):
        with pytest.raises(Failed):
            safe_output_name(bad)
    assert safe_output_name({"filename": "x.mp4", "subfolder": "video/a"}) == ("x.mp4", "video/a", "output")


def test_expired_and_truncated_outputs(fake, tmp_path):
    backend = backend_for(fake)

    async def go():
        async with backend.client() as client:
            job_id = await backend.submit(client, request())
            while (status := await backend.status(client, job_id)).state != JobState.SUCCEEDED:
                await asyncio.sleep(0.05)
            fake.truncate_view = 1
            with pytest.raises(Transient, match="truncated|RemoteProtocolError|ReadError"):
                await backend.download(client, status, tmp_path / "t.mp4")
            fake.expire_outputs = True
            with pytest.raises(OutputExpired):
                await backend.download(client, status, tmp_path / "e.mp4")
            fake.expire_outputs = False
            await backend.download(client, status, tmp_path / "ok.mp4")

    asyncio.run(go())
    assert ffmpeg.decode_errors(tmp_path / "ok.mp4") == ""


def test_unsupported_requests_are_refused_before_sending(fake, tmp_path):
    backend = backend_for(fake)  # the weightless workflow: no reference image, no first frame
    image = tmp_path / "r.png"
    image.write_bytes(b"png")
    with pytest.raises(BackendError, match="reference"):
        backend.check(request(references=[image]))
    with pytest.raises(BackendError, match="first frame"):
        backend.check(request(first_frame=image))
    with pytest.raises(BackendError, match="checkpoint"):
        backend_for(fake, workflow="ltxv-t2v").check(request())
    with pytest.raises(BackendError, match="LoRA"):
        backend_for(fake, workflow="ltxv-t2v", checkpoint="ltxv.safetensors", loras="a.safetensors").check(request())
    with pytest.raises(BackendError, match="unknown option|bad options"):
        ComfyUIBackend.make_options({"nonsense": 1})
    with pytest.raises(BackendError, match="not found"):
        backend_for(fake, workflow=str(tmp_path / "missing.json"))
    assert fake.calls == []  # nothing was sent


def test_workflow_placeholders_fill_with_types_and_loras(tmp_path):
    graph = load_workflow("ltxv-t2v-lora")
    assert {"checkpoint", "lora_1", "lora_1_strength", "sampler", "prompt"} <= placeholders(graph)
    filled = fill({"a": "{{seed}}", "b": "shot {{shot_id}} at {{fps}} fps", "c": ["{{width}}", 3]},
                  {"seed": 5, "shot_id": "1.1-001", "fps": 24, "width": 320})
    assert filled == {"a": 5, "b": "shot 1.1-001 at 24 fps", "c": [320, 3]}
    assert parse_lora("film_grain.safetensors:0.6") == ("film_grain.safetensors", 0.6)
    assert parse_lora("styles/noir.safetensors") == ("styles/noir.safetensors", 1.0)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"1": {"class_type": "SaveVideo", "inputs": {"x": "{{wat}}"}}}))
    with pytest.raises(BackendError, match="unknown placeholder"):
        load_workflow(str(bad))
    ui_save = tmp_path / "ui.json"
    ui_save.write_text(json.dumps({"nodes": [], "links": []}))
    with pytest.raises(BackendError, match="API-format"):
        load_workflow(str(ui_save))


def test_ltxv_workflow_fills_checkpoint_lora_and_frame_step(fake, tmp_path):
    backend = backend_for(fake, workflow="ltxv-t2v-lora", checkpoint="ltxv-13b.safetensors",
                          loras=["film_grain.safetensors:0.6"], sampler="euler_ancestral", frame_step=8)
    job_id, status = asyncio.run(run_job(backend, request(duration=2.0), tmp_path / "c.mp4"))
    graph = fake.records[job_id.split("@")[0]]["graph"]
    assert graph["1"]["inputs"]["ckpt_name"] == "ltxv-13b.safetensors"
    assert graph["11"]["inputs"] == {"model": ["1", 0], "lora_name": "film_grain.safetensors", "strength_model": 0.6}
    assert graph["7"]["inputs"]["sampler_name"] == "euler_ancestral"
    assert graph["6"]["inputs"]["length"] == 49  # 48 frames rounded to 8n+1
    assert graph["3"]["inputs"]["text"] == "a lighthouse at dusk"
    assert status.state == JobState.SUCCEEDED


@pytest.mark.skipif(not os.environ.get("COMFYUI_URL"), reason="set COMFYUI_URL to test against a real ComfyUI")
def test_against_a_real_comfyui_server(tmp_path):
    """Opt-in: the bundled weightless workflow on a real server (no model weights needed)."""
    backend = ComfyUIBackend(ComfyUIBackend.make_options({"url": os.environ["COMFYUI_URL"]}))
    dest = tmp_path / "real.mp4"
    req = request(shot_id=f"real-{os.getpid()}", idempotency_key=f"real-{os.urandom(4).hex()}",
                  seed=int.from_bytes(os.urandom(3), "big"))
    job_id, status = asyncio.run(run_job(backend, req, dest, polls=600, pause=0.5))
    assert status.state == JobState.SUCCEEDED, status.error
    info = ffmpeg.probe(dest)
    assert abs(info.duration - 1.0) < 0.2 and (info.width, info.height) == (320, 180)


# --- through the engine: `filmsofone generate` ----------------------------------------------------


def test_a_scene_generates_through_filmsofone_generate(ws, capsys):
    from fakes.project import SLUG, make_book
    from filmsofone.cli import main
    from filmsofone.generate import chosen_takes

    shots = make_book(ws, shots_per_scene=3, duration=1.0)
    with FakeComfyUI(job_seconds=0.05) as fake:
        argv = ["--workspace", str(ws.root), "generate", SLUG, "--scene", "1.1", "--backend", "comfyui",
                "--option", f"url={fake.url}"]
        with pytest.raises(SystemExit) as done:
            main(argv)
            raise SystemExit(0)
        assert done.value.code == 0, capsys.readouterr()
        takes = chosen_takes(ws, SLUG)
        assert sorted(takes) == [s.id for s in shots if s.scene == "1.1"]
        for take in takes.values():
            assert abs(ffmpeg.probe(take.path).duration - 1.0) < 0.1 and ffmpeg.decode_errors(take.path) == ""
        assert fake.submissions == 3 and fake.duplicates == 0
        with pytest.raises(SystemExit):
            main(argv)
            raise SystemExit(0)
        assert fake.submissions == 3  # the second run does no work
    assert "3 made" in capsys.readouterr().out


def test_sigkill_midway_then_rerun_submits_each_shot_once(ws):
    from fakes._base import generate_command, kill_midway, run_to_end
    from fakes.project import SLUG, make_book
    from filmsofone.generate import chosen_takes

    shots = [s for s in make_book(ws, shots_per_scene=6, duration=1.0) if s.scene == "1.1"]
    with FakeComfyUI(job_seconds=0.4) as fake:
        command = generate_command(ws.root, SLUG, "--scene", "1.1", "--backend", "comfyui", "-o", f"url={fake.url}",
                                   "-o", "poll_interval=0.1", "-j", "3")
        status = kill_midway(command, {}, lambda: len(fake.executed) >= 2 and fake.submissions >= 4)
        assert status == -9
        print("at kill:", fake.submissions, "submitted,", len(fake.executed), "executed")
        assert len(fake.executed) < len(shots)  # killed midway, work left to do
        done = run_to_end(command, {})
        assert done.returncode == 0, done.stdout + done.stderr
        assert fake.duplicates == 0 and fake.submissions == len(shots)  # every prompt queued exactly once
        assert len(set(fake.executed)) == len(fake.executed) == len(shots)
    takes = chosen_takes(ws, SLUG)
    assert sorted(takes) == sorted(s.id for s in shots)  # no clip lost
    for take in takes.values():
        assert ffmpeg.decode_errors(take.path) == ""


def test_model_hints_from_the_style_bible_fill_only_what_the_workflow_uses(fake):
    from filmsofone.bible.model import LoRA, ModelHints

    hints = ModelHints(checkpoint="ltxv-13b.safetensors", loras=[LoRA(name="grain.safetensors", weight=0.7),
                       LoRA(name="extra.safetensors")], sampler="dpmpp_2m", steps=20, cfg=4.0)
    lora_flow = backend_for(fake, workflow="ltxv-t2v-lora", sampler="euler")  # the user's option wins
    lora_flow.apply_model_hints(hints)
    assert lora_flow.options.checkpoint == "ltxv-13b.safetensors" and lora_flow.options.sampler == "euler"
    assert lora_flow.options.loras == ["grain.safetensors:0.7"]  # one slot in this workflow
    lora_flow.check(request())  # now complete
    weightless = backend_for(fake)
    weightless.apply_model_hints(hints)  # no placeholders for them: nothing taken, nothing breaks
    assert weightless.options.checkpoint is None and weightless.options.loras == []
    weightless.check(request())


def test_the_fake_keeps_comfyui_origin_check_and_api_prefix(fake):
    with httpx.Client() as client:
        assert client.get(f"{fake.url}/api/system_stats").status_code == 200
        refused = client.get(f"{fake.url}/queue", headers={"Origin": "http://evil.example"})
        assert refused.status_code == 403
        assert client.get(f"{fake.url}/history/unknown-id").json() == {}  # {} forever for unknown ids


def test_a_reference_image_is_uploaded_into_a_user_workflow(fake, tmp_path):
    from PIL import Image

    workflow = load_workflow("weightless-i2v")
    workflow["1"]["inputs"]["image"] = "{{reference_image}}"
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(workflow))
    portrait = tmp_path / "ada.png"
    Image.new("RGB", (40, 40), "purple").save(portrait)
    backend = backend_for(fake, workflow=str(path))
    assert backend.capabilities.reference_images == 1 and not backend.capabilities.first_frame
    job_id, status = asyncio.run(run_job(backend, request(references=[portrait]), tmp_path / "c.mp4"))
    assert status.state == JobState.SUCCEEDED
    name = fake.records[job_id.split("@")[0]]["graph"]["1"]["inputs"]["image"]
    assert fake.uploads[name] == portrait.read_bytes()


def test_an_identical_graph_returns_comfyuis_cached_output(fake, tmp_path):
    backend = backend_for(fake)
    _, first = asyncio.run(run_job(backend, request(idempotency_key="a"), tmp_path / "a.mp4"))
    _, second = asyncio.run(run_job(backend, request(idempotency_key="b"), tmp_path / "b.mp4"))
    assert fake.submissions == 2 and len(fake.executed) == 1  # the second ran nothing new
    assert first.output_urls == second.output_urls
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()


def test_a_prompt_deleted_from_the_queue_is_detected_as_lost(fake, tmp_path):
    fake.job_seconds = 1.0
    backend = backend_for(fake)

    async def go():
        async with backend.client() as client:
            await backend.submit(client, request(shot_id="1.1-001"))
            waiting = await backend.submit(client, request(shot_id="1.1-002"))
            assert (await backend.status(client, waiting)).state == JobState.QUEUED
            await client.send(Step.UPLOAD, "POST", f"{fake.url}/queue", json={"delete": [waiting.split("@")[0]]})
            return await backend.status(client, waiting)

    status = asyncio.run(go())
    assert status.state == JobState.FAILED and "neither the history nor the queue" in status.error


def test_moving_to_other_servers_does_not_remake_cached_shots(ws):
    from fakes.project import SLUG, make_book
    from filmsofone.generate import generate_scenes

    make_book(ws, shots_per_scene=2, duration=1.0)
    with FakeComfyUI(job_seconds=0.05) as first, FakeComfyUI(job_seconds=0.05) as second:
        made = generate_scenes(ws, SLUG, ["1.2"], backend="comfyui", options={"url": first.url})
        assert len(made.made) == 2
        again = generate_scenes(ws, SLUG, ["1.2"], backend="comfyui",
                                options={"url": [first.url, second.url], "websocket": False})
        assert again.made == [] and len(again.cached) == 2 and second.submissions == 0


def test_a_server_that_is_not_running_is_named_as_unreachable(tmp_path):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = ComfyUIBackend(ComfyUIBackend.make_options({"url": [f"http://127.0.0.1:{port}"]}))

    async def go():
        async with backend.client() as client:
            await backend.submit(client, request())

    with pytest.raises(Unreachable) as caught:
        asyncio.run(go())
    assert f"cannot reach 127.0.0.1:{port}" in str(caught.value) and caught.value.host == f"127.0.0.1:{port}"
