"""What the contract test needs to run each hosted backend against its fake (tests/backends/test_contract.py).

A hosted backend registered without an entry in HARNESSES fails the contract test: add its fake (on the
shared fault player of `fakes/faults.py`) and a `Harness` here. Local backends (`local = True`) make no
HTTP request and need none.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from filmsofone.backends.base import Backend, GenerationRequest
from filmsofone.backends.speech_base import SpeechRequest, VoiceParams
from filmsofone.backends.transport import with_retries

from .chat_openai import FakeChat
from .comfyui import FakeComfyUI
from .fal import FakeFal
from .faults import tiny_png
from .kling import ACCESS, SECRET, FakeKling
from .luma import KEY as LUMA_KEY
from .lyria import KEY as LYRIA_KEY
from .lyria import PROJECT as LYRIA_PROJECT
from .lyria import FakeLyria
from .luma import FakeLuma
from .minimax import KEY as MINIMAX_KEY
from .minimax import FakeMinimax
from .openai_videos import KEY as OPENAI_KEY
from .openai_videos import FakeOpenAIVideos
from .replicate import FakeReplicate
from .runway import KEY as RUNWAY_KEY
from .runway import FakeRunway
from .scenario import KEY as SCENARIO_KEY
from .scenario import MODEL as SCENARIO_MODEL
from .scenario import SECRET as SCENARIO_SECRET
from .scenario import FakeScenario
from .speech import ELEVEN_KEY, ELEVEN_VOICES, OPENAI_KEY as SPEECH_KEY, FakeElevenLabs, FakeOpenAISpeech
from .veo import KEY as VEO_KEY
from .veo import FakeVeo
from .xai import KEY as XAI_KEY
from .xai import FakeXai


@dataclass
class Harness:
    """One backend against its fake: how to start it, build the backend, count what it was sent."""

    fake: Callable[[], object]  # a started-on-enter fake with the shared fault player
    backend: Callable[[object], Backend]
    request: object  # a GenerationRequest (create -> poll -> download), or what `drive` takes
    creates: Callable[[object], int]  # create requests the fake received
    jobs: Callable[[object], int]  # jobs it accepted (what would be paid)
    moderate: Callable[[object], None] | None  # make the next job a moderation refusal
    not_applicable: dict[str, str] = field(default_factory=dict)  # fault -> why the provider has no such answer
    drive: Callable[[Backend, object, object], None] | None = None  # one-request plugins: make it, blocking
    timeout: float = 1.0  # the client's read timeout (0.5 s flaked under load); the fake's "hang" answers one second later
    stages: dict[str, str] = field(default_factory=dict)  # the fake's own name of a stage ("create": "complete")
    resends_unknown: str = ""  # why this plugin sends a request again after an unknown outcome (its choice)


def _video(shot: str, duration: float, **extra) -> GenerationRequest:
    return GenerationRequest(shot_id=shot, prompt="a lantern swings in the wind on the harbour wall",
                             duration=duration, aspect_ratio="16:9", **extra)


def _reference_png() -> Path:
    """A face to send as a reference (the image backends' requests carry one)."""
    path = Path(tempfile.gettempdir()) / f"filmsofone-contract-face-{os.getpid()}.png"
    if not path.is_file():
        path.write_bytes(tiny_png(48, 48, (200, 160, 130)))
    return path


def _still(shot: str) -> GenerationRequest:
    """A keyframe request: an image of the shot's shape with one reference image."""
    return GenerationRequest(shot_id=shot, prompt="a lantern swings in the wind on the harbour wall", duration=0.0,
                             aspect_ratio="16:9", resolution="1365x768", references=[_reference_png()])


def _service_creates(fake) -> int:
    return len(fake.creates)


def _service_jobs(fake) -> int:
    return len(fake.jobs)


def _moderated(fake) -> None:
    fake.outcome = "moderated"


def _posts(*prefixes: str) -> Callable[[object], int]:
    return lambda fake: sum(1 for method, path in fake.requests if method == "POST" and path.startswith(prefixes))


def _service(factory, backend, request, **kwargs) -> Harness:
    return Harness(factory, backend, request, _service_creates, _service_jobs, _moderated, **kwargs)


HARNESSES: dict[str, Harness] = {
    "runway": _service(lambda: FakeRunway(), lambda f: Backend_of("runway", {"base_url": f.url}, RUNWAY_KEY),
                       _video("1.1-001", 5.0)),
    "runway-image": _service(lambda: FakeRunway(),
                             lambda f: Backend_of("runway-image", {"base_url": f.url}, RUNWAY_KEY),
                             _video("1.1-002", 1.0, resolution="1920x1080")),
    "luma": _service(lambda: FakeLuma(), lambda f: Backend_of("luma", {"base_url": f.url + "/v1"}, LUMA_KEY),
                     _video("1.1-003", 5.0, resolution="1280x720")),
    "kling": _service(lambda: FakeKling(), lambda f: Backend_of("kling", {"base_url": f.url}, SECRET,
                                                                access_key=ACCESS), _video("1.1-004", 5.0)),
    "minimax": _service(lambda: FakeMinimax(), lambda f: Backend_of("minimax", {"base_url": f.url}, MINIMAX_KEY),
                        _video("1.1-005", 6.0)),
    "veo": _service(lambda: FakeVeo(), lambda f: Backend_of("veo", {"base_url": f.url + "/v1beta"}, VEO_KEY),
                    _video("1.1-006", 8.0)),
    "openai-videos": _service(lambda: FakeOpenAIVideos(),
                              lambda f: Backend_of("openai-videos", {"base_url": f.url + "/v1"}, OPENAI_KEY),
                              _video("1.1-007", 4.0)),
    "replicate": Harness(lambda: FakeReplicate(job_seconds=0.1),
                         lambda f: Backend_of("replicate", {"base_url": f.url}, f.token), _video("1.1-008", 5.0),
                         _posts("/v1/models/", "/v1/predictions"), lambda f: f.submissions, _moderated),
    "fal": Harness(lambda: FakeFal(job_seconds=0.1), lambda f: Backend_of("fal", {"base_url": f.url}, f.key),
                   _video("1.1-009", 5.0), _posts("/fal-ai/"), lambda f: f.submissions, _moderated),
    "fal-image": Harness(lambda: FakeFal(job_seconds=0.1),
                         lambda f: Backend_of("fal-image", {"base_url": f.url}, f.key),
                         _still("1.1-011"), _posts("/fal-ai/"), lambda f: f.submissions, _moderated),
    "replicate-image": Harness(lambda: FakeReplicate(job_seconds=0.1),
                               lambda f: Backend_of("replicate-image", {"base_url": f.url}, f.token),
                               _still("1.1-012"), _posts("/v1/models/", "/v1/predictions"), lambda f: f.submissions,
                               _moderated),
    "comfyui": Harness(lambda: FakeComfyUI(job_seconds=0.1),
                       lambda f: Backend_of("comfyui", {"url": [f.url], "websocket": False}, None),
                       _video("1.1-010", 1.0, resolution="320x180", seed=7, idempotency_key="key-1.1-010"),
                       _posts("/prompt", "/api/prompt"), lambda f: len(f.records), None,
                       not_applicable={"moderation refusal": "a ComfyUI server runs the user's own workflow: "
                                                             "no content policy, no refusal answer"}),
    "comfyui-image": Harness(lambda: FakeComfyUI(job_seconds=0.1),
                             lambda f: Backend_of("comfyui-image", {"url": [f.url], "websocket": False}, None),
                             _still("1.1-013").model_copy(update={"seed": 7, "idempotency_key": "key-1.1-013"}),
                             _posts("/prompt", "/api/prompt"), lambda f: len(f.records), None,
                             not_applicable={"moderation refusal": "a ComfyUI server runs the user's own workflow: "
                                                                   "no content policy, no refusal answer"}),
}


# plugins whose one request answers with the file itself (speech, music): no job to poll, no output URL
ONE_REQUEST = {
    **{fault: "one request whose answer is the audio itself: no job to poll" for fault in (
        "429 with Retry-After on poll", "5xx on poll", "503 on poll", "timeout on poll", "malformed JSON on poll")},
    **{fault: "the audio comes in the create's answer: there is no output URL to expire, cut or redirect"
       for fault in ("expired output URL", "truncated download", "redirect to another host")},
    "malformed JSON on create": "the answer is audio bytes, not JSON: there is no JSON to be malformed",
}


def _accepted_creates(fake) -> int:
    """Creates that were answered with the work (not turned away by a throttle or an error first)."""
    turned_away = sum(1 for stage, kind in fake.played
                      if stage == "create" and kind in ("throttle", "server_error", "unavailable"))
    return len(fake.creates) - turned_away


def _speak(backend, request, dest) -> None:
    backend.synthesize(request, dest)


def _compose(backend, prompt, dest) -> None:
    backend.compose(prompt, 10.0, dest)


def _speech(engine: str, voice: str) -> SpeechRequest:
    return SpeechRequest(text="Keep the lamp lit, Tom.", voice=VoiceParams(engine=engine, voice=voice))


HARNESSES.update({
    "openai-speech": Harness(lambda: FakeOpenAISpeech(),
                             lambda f: Backend_of("openai-speech", {"base_url": f.url}, SPEECH_KEY),
                             _speech("openai-speech", "alloy"), _service_creates, _accepted_creates, _moderated,
                             dict(ONE_REQUEST), _speak, timeout=3.0),
    "elevenlabs": Harness(lambda: FakeElevenLabs(), lambda f: Backend_of("elevenlabs", {"base_url": f.url}, ELEVEN_KEY),
                          _speech("elevenlabs", sorted(ELEVEN_VOICES)[0]), _service_creates, _accepted_creates, None,
                          {**ONE_REQUEST, "moderation refusal": "ElevenLabs documents no content-policy answer for "
                                                                "text to speech (the fake has none to play)"},
                          _speak, timeout=3.0),
    "elevenlabs-music": Harness(lambda: FakeElevenLabs(),
                                lambda f: Backend_of("elevenlabs-music", {"base_url": f.url}, ELEVEN_KEY),
                                "instrumental film score, slow pulse", _service_creates, _accepted_creates,
                                _moderated, dict(ONE_REQUEST), _compose, timeout=3.0),
    "lyria": Harness(lambda: FakeLyria(),
                     lambda f: Backend_of("lyria", {"base_url": f.url + "/v1", "project": LYRIA_PROJECT}, LYRIA_KEY),
                     "instrumental film score, slow pulse", _service_creates, _accepted_creates, _moderated,
                     {fault: why for fault, why in ONE_REQUEST.items() if fault != "malformed JSON on create"},
                     _compose, timeout=3.0),
})


def _complete(backend, messages, dest) -> None:
    async def go():
        async with backend.client() as client:
            return await with_retries(lambda: backend.complete(client, messages), policy=backend.retry_policy(4))

    dest.write_text(asyncio.run(go()).text, encoding="utf-8")


_CHAT = [{"role": "system", "content": "Write the scene's beats as JSON."},
         {"role": "user", "content": json.dumps({"material": [{"text": "Keep the lamp lit.", "quote": "q0"}]})}]
HARNESSES["openai-chat"] = Harness(
    lambda: FakeChat(), lambda f: Backend_of("openai-chat", {"base_url": f"{f.url}/v1", "model": "tiny"}, None),
    _CHAT, _service_creates, _accepted_creates, None,
    {**{fault: why for fault, why in ONE_REQUEST.items() if fault != "malformed JSON on create"},  # it is JSON
     "moderation refusal": "an OpenAI-compatible completion refuses in its text (finish_reason), not with an "
                           "error answer; the adaptation's checks read the text"},
    _complete, timeout=3.0, stages={"create": "complete"},
    resends_unknown="the fake is on 127.0.0.1: a local server's completion is free, sent as a READ and retried "
                    "after a timeout or 5xx; a hosted (paid) one is a CREATE never resent: tests/adapt/test_llm.py")


# xAI's image API answers the create with the image itself: no job to poll (its output URL is the job id)
NO_IMAGE_POLL = {fault: "xAI's image create answers with the finished image: there is no job to poll"
                 for fault in ("429 with Retry-After on poll", "5xx on poll", "503 on poll", "timeout on poll",
                               "malformed JSON on poll")}
HARNESSES.update({
    "grok-imagine": _service(lambda: FakeXai(), lambda f: Backend_of("grok-imagine", {"base_url": f.url}, XAI_KEY),
                             _video("1.1-011", 6.0)),
    "grok-imagine-image": _service(lambda: FakeXai(),
                                   lambda f: Backend_of("grok-imagine-image", {"base_url": f.url}, XAI_KEY),
                                   _video("1.1-012", 0.0), not_applicable=dict(NO_IMAGE_POLL)),
    "scenario": _service(lambda: FakeScenario(),
                         lambda f: Backend_of("scenario", {"base_url": f.url, "model": SCENARIO_MODEL}, SCENARIO_SECRET,
                                              api_key=SCENARIO_KEY), _video("1.1-013", 0.0)),
})


def Backend_of(name: str, options: dict, key: str | None, **extra) -> Backend:  # noqa: N802  (reads as a type)
    """The registered backend `name`, with `options` (fast polls and retries for tests) and `key`; the
    contract test sets its read timeout (`contract.timeout`) from the harness."""
    from filmsofone.backends import backend_class

    cls = backend_class(name)
    backend = cls(cls.make_options({**options, "poll_interval": 0.02}), key=key, **extra)
    backend.retry_base, backend.retry_cap = 0.02, 0.1  # the policy is the backend's; only the waits shrink
    return backend
