"""Fake speech and music services on 127.0.0.1, following the providers' documented contracts.

FakeOpenAISpeech: `POST /v1/audio/speech` (OpenAI; Kokoro-FastAPI and Chatterbox copy it): JSON `{model,
input, voice, instructions?, response_format, speed}` -> the audio file (WAV here); errors
`{"error": {"message", "type", "code"}}`: 401 bad key, 400 unknown voice / empty input, 429 + Retry-After.
With `require_key = False` it is a local server that takes no key.

FakeElevenLabs: `POST /v1/text-to-speech/{voice_id}?output_format=pcm_24000` -> raw PCM;
`POST /v1/text-to-dialogue/with-timestamps` -> `{audio_base64, alignment, voice_segments}`;
`POST /v1/music` -> an MP3. Key in `xi-api-key`; errors `{"detail": {"status", "message"}}`: 401
invalid_api_key, 400 voice_not_found, 429 too_many_concurrent_requests, 422 validation (a list).
"""

from __future__ import annotations

import base64
import io
import math
import struct
import tempfile
import wave
from pathlib import Path

from filmsofone import ffmpeg

from .hosted_base import FakeService, Recorded, Reply

OPENAI_KEY = "sk-test-SPEECH-0123456789"
ELEVEN_KEY = "xi-test-SECRET-0123456789"
VOICES = {"alloy", "ash", "coral", "af_bella", "bm_george"}
ELEVEN_VOICES = {"JBFqnCBsd6RMkjVDRZzb", "21m00Tcm4TlvDq8ikWAM", "AZnzlk1XvdvUeBnXmlld"}


def tone_pcm(seconds: float, rate: int, freq: float = 220.0) -> bytes:
    """A voice-like tone: 16-bit mono PCM."""
    count = int(seconds * rate)
    return b"".join(struct.pack("<h", int(9000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(count))


def speech_seconds(text: str) -> float:
    return max(0.4, 0.06 * len(text))


def wav_bytes(pcm: bytes, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def mp3_bytes(seconds: float) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "music.mp3"
        ffmpeg.run([*ffmpeg.base_args(), "-f", "lavfi",
                    "-i", f"sine=frequency=330:sample_rate=44100:duration={seconds}",
                    "-c:a", "libmp3lame", "-b:a", "64k", str(out)])
        return out.read_bytes()


class FakeOpenAISpeech(FakeService):
    create_paths = ("/v1/audio/speech",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.require_key = True

    def error(self, status: int, message: str, kind: str, code: str | None = None, **headers) -> Reply:
        return Reply(status, {"error": {"message": message, "type": kind, "code": code}}, headers)

    def route(self, req: Recorded) -> Reply:
        if self.require_key and req.headers.get("authorization") != f"Bearer {OPENAI_KEY}":
            return self.error(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
        if not (req.method == "POST" and req.path == "/v1/audio/speech"):
            return self.error(404, "Not found", "invalid_request_error")
        fault = self.generic_fault("create", {"error": {"message": "The server is overloaded", "type": "server_error"}})
        if fault is not None:
            return fault
        body = req.json() or {}
        if not body.get("input"):
            return self.error(400, "input is required", "invalid_request_error")
        if body.get("voice") not in VOICES:
            return self.error(400, f"Invalid voice '{body.get('voice')}'", "invalid_request_error")
        if self.outcome == "moderated":
            return self.error(400, "This request was rejected by our content policy.", "invalid_request_error",
                              "content_policy_violation")
        return Reply(200, wav_bytes(tone_pcm(speech_seconds(body["input"]), 24000), 24000),
                     {"Content-Type": "audio/wav"})


class FakeElevenLabs(FakeService):
    create_paths = ("/v1/text-to-speech/", "/v1/text-to-dialogue", "/v1/music")

    def error(self, status: int, code: str, message: str) -> Reply:
        return Reply(status, {"detail": {"status": code, "message": message}})

    def route(self, req: Recorded) -> Reply:
        if req.headers.get("xi-api-key") != ELEVEN_KEY:
            return self.error(401, "invalid_api_key", "Invalid API key")
        fault = self.generic_fault("create", {"detail": {"status": "too_many_concurrent_requests",
                                                         "message": "busy"}})
        if fault is not None:
            return fault
        body = req.json() or {}
        if req.method == "POST" and req.path.startswith("/v1/text-to-speech/"):
            return self.speech(req.path.removeprefix("/v1/text-to-speech/"), body, req.query)
        if req.method == "POST" and req.path == "/v1/text-to-dialogue/with-timestamps":
            return self.dialogue(body, req.query)
        if req.method == "POST" and req.path == "/v1/music":
            return self.music(body)
        return self.error(404, "not_found", "Not found")

    def _rate(self, query: dict) -> int | None:
        fmt = query.get("output_format", "mp3_44100_128")
        return int(fmt.split("_")[1]) if fmt.startswith("pcm_") else None

    def speech(self, voice_id: str, body: dict, query: dict) -> Reply:
        if voice_id not in ELEVEN_VOICES:
            return self.error(400, "voice_not_found", f"A voice with the voice_id {voice_id} was not found.")
        if not body.get("text"):
            return Reply(422, {"detail": [{"loc": ["body", "text"], "msg": "field required", "type": "missing"}]})
        rate = self._rate(query)
        if rate is None:
            return self.error(400, "unsupported_format", "this fake serves pcm only")
        return Reply(200, tone_pcm(speech_seconds(body["text"]), rate), {"Content-Type": "audio/pcm"})

    def dialogue(self, body: dict, query: dict) -> Reply:
        inputs = body.get("inputs") or []
        if not inputs or len({i.get("voice_id") for i in inputs}) > 10:
            return Reply(422, {"detail": [{"loc": ["body", "inputs"], "msg": "1 to 10 voices", "type": "value_error"}]})
        unknown = [i["voice_id"] for i in inputs if i.get("voice_id") not in ELEVEN_VOICES]
        if unknown:
            return self.error(400, "voice_not_found", f"A voice with the voice_id {unknown[0]} was not found.")
        rate = self._rate(query) or 44100
        pcm, segments, at = b"", [], 0.0
        for index, item in enumerate(inputs):
            seconds = speech_seconds(item["text"])
            pcm += tone_pcm(seconds, rate, 200.0 + 40 * index) + tone_pcm(0.25, rate, 0.0)
            segments.append({"voice_id": item["voice_id"], "start_time_seconds": at, "end_time_seconds": at + seconds,
                             "character_start_index": 0, "character_end_index": len(item["text"]),
                             "dialogue_input_index": index})
            at += seconds + 0.25
        return Reply(200, {"audio_base64": base64.b64encode(pcm).decode(), "voice_segments": segments,
                           "alignment": {"characters": [], "character_start_times_seconds": [],
                                         "character_end_times_seconds": []}})

    def music(self, body: dict) -> Reply:
        length = body.get("music_length_ms")
        if not body.get("prompt") or not isinstance(length, int) or not 10000 <= length <= 300000:
            return Reply(422, {"detail": [{"loc": ["body", "music_length_ms"], "msg": "10000..300000",
                                           "type": "value_error"}]})
        if self.outcome == "moderated":
            return self.error(400, "bad_prompt", "The prompt names a copyrighted work.")
        return Reply(200, mp3_bytes(length / 1000), {"Content-Type": "audio/mpeg"})
