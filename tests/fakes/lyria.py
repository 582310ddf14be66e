"""A fake Lyria 2 on Vertex AI (docs/contracts.md, "Lyria").

`POST /v1/projects/{project}/locations/{location}/publishers/google/models/lyria-002:predict` with
`Authorization: Bearer <token>` and `{"instances": [{"prompt", "negative_prompt"?, "seed"?}], "parameters":
{"sample_count"?}}` -> `{"predictions": [{"audioContent": <base64 WAV, 30 s, 48 kHz>, "mimeType": "audio/wav"}],
"deployedModelId", "model", "modelDisplayName": "Lyria 2"}`. Errors: Google's `{"error": {"code", "message",
"status"}}`: 401 UNAUTHENTICATED, 400 INVALID_ARGUMENT (no prompt, seed with sample_count, unknown model),
404 NOT_FOUND (another path), 429 RESOURCE_EXHAUSTED; outcome "moderated": 400 whose message says the prompt
was blocked by the safety filters. Faults: the generic ones on stage "create".
"""

from __future__ import annotations

import base64
import io
import re
import threading
import wave

import numpy as np

from .hosted_base import FakeService, Recorded, Reply

KEY = "ya29.test-SECRET-lyria-0042"
PROJECT = "film-project"
_PATH = re.compile(r"^/v1/projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)/publishers/google/models/"
                   r"(?P<model>[^/:]+):predict$")
_CLIP: dict[str, str] = {}
_CLIP_LOCK = threading.Lock()


def google_error(code: int, status: str, message: str) -> dict:
    return {"error": {"code": code, "message": message, "status": status}}


def clip_base64(seconds: float = 30.0, rate: int = 48000) -> str:
    """A 30-second stereo 16-bit WAV at 48 kHz (a 262 Hz tone), base64, made once."""
    with _CLIP_LOCK:
        if "clip" not in _CLIP:
            t = np.arange(int(seconds * rate)) / rate
            tone = (0.2 * np.sin(2 * np.pi * 262.0 * t) * 32767).astype("<i2")
            buffer = io.BytesIO()
            with wave.open(buffer, "wb") as out:
                out.setnchannels(2)
                out.setsampwidth(2)
                out.setframerate(rate)
                out.writeframes(np.repeat(tone[:, None], 2, axis=1).tobytes())
            _CLIP["clip"] = base64.b64encode(buffer.getvalue()).decode()
        return _CLIP["clip"]


class FakeLyria(FakeService):
    def is_create(self, req: Recorded) -> bool:
        return req.method == "POST" and bool(_PATH.match(req.path))

    def route(self, req: Recorded) -> Reply:
        if req.headers.get("authorization") != f"Bearer {KEY}":
            return Reply(401, google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."))
        found = _PATH.match(req.path)
        if req.method != "POST" or not found:
            return Reply(404, google_error(404, "NOT_FOUND", "not found"))
        fault = self.generic_fault("create", google_error(503, "UNAVAILABLE", "The service is currently unavailable."))
        if fault is not None:
            return fault
        if found["model"] != "lyria-002" or found["project"] != PROJECT:
            return Reply(400 if found["project"] == PROJECT else 403,
                         google_error(400, "INVALID_ARGUMENT", f"model {found['model']} or project is unknown"))
        body = req.json() or {}
        instances = body.get("instances") or [{}]
        instance, parameters = instances[0], body.get("parameters") or {}
        if not instance.get("prompt"):
            return Reply(400, google_error(400, "INVALID_ARGUMENT", "prompt is required"))
        if "seed" in instance and "sample_count" in parameters:
            return Reply(400, google_error(400, "INVALID_ARGUMENT", "seed cannot be used with sample_count"))
        if self.outcome == "moderated":
            return Reply(400, google_error(400, "INVALID_ARGUMENT", "Music generation failed: the prompt was blocked "
                                                                  "by the safety filters."))
        count = 1 if "seed" in instance else int(parameters.get("sample_count") or 1)
        return Reply(200, {"predictions": [{"audioContent": clip_base64(), "mimeType": "audio/wav"}] * count,
                           "deployedModelId": "1234567890", "modelDisplayName": "Lyria 2",
                           "model": f"projects/{found['project']}/locations/{found['location']}/publishers/google/"
                                    "models/lyria-002"})
