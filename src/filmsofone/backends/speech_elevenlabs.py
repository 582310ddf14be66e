"""`elevenlabs`: ElevenLabs text to speech, one line at a time or a whole exchange at once.

- One line: `POST /v1/text-to-speech/{voice_id}?output_format=pcm_24000` with `{text, model_id,
  voice_settings?}`; the answer is raw 16-bit PCM at 24 kHz.
- An exchange (several lines, up to 10 voices, about 2000 characters): `POST
  /v1/text-to-dialogue/with-timestamps?output_format=pcm_24000` with `{inputs: [{text, voice_id}],
  model_id}`; the answer is JSON `{audio_base64, alignment, voice_segments: [{voice_id,
  start_time_seconds, end_time_seconds, dialogue_input_index, ...}]}`: the lines are spoken as one
  conversation and cut apart at their segments, so each is still placed on its own shot.

The key goes in the `xi-api-key` header. Errors are `{"detail": {"status", "message"}}` (422: a
validation `detail` list); a refused text is `detail.status` in the moderation codes.
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import ClassVar

import httpx

from ..errors import BackendError
from .base import BackendOptions
from .speech_base import SpeechBackend, SpeechRequest, SpeechResult, write_wav
from .transport import BackendFailure, Contract, Refused, Step, classify, pick, with_retries

RATE = 24000
MAX_VOICES = 10
MAX_CHARACTERS = 2000


_READ_SELF = frozenset({400, 422})


async def create(client, contract: Contract, url: str, **kwargs) -> httpx.Response:
    """A paid create at ElevenLabs: its 400/422 bodies say why in `detail.status`, read here so a refused
    text or prompt (a moderation status) is `Refused`, anything else the transport's failure."""
    response = await client.send(Step.CREATE, "POST", url, read_codes=_READ_SELF, **kwargs)
    if response.status_code in _READ_SELF:
        raise refusal_or_failure(response, contract)
    return response


def refusal_or_failure(response: httpx.Response, contract: Contract) -> BackendFailure:
    failure = classify(Step.CREATE, response, contract)
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    status = detail.get("status", "") if isinstance(detail, dict) else ""
    return Refused(str(failure)) if status in contract.moderation_codes else failure


class ElevenLabsOptions(BackendOptions):
    base_url: str = "https://api.elevenlabs.io"
    model: str = "eleven_multilingual_v2"
    dialogue_model: str = "eleven_v3"
    stability: float | None = None


class ElevenLabsSpeech(SpeechBackend):
    name = "elevenlabs"
    description = "ElevenLabs text to speech (per line) and text to dialogue (a whole exchange)"
    local = False
    needs_key = True
    key_env_var = "ELEVENLABS_API_KEY"
    Options = ElevenLabsOptions
    speaks_exchanges = True
    price_per_character = 0.00012  # Multilingual v2 / v3: $0.10-0.12 per 1000 characters (third parties); the top
    contract: ClassVar[Contract] = Contract("elevenlabs", key_headers=("xi-api-key",),
                                            moderation_codes=("content_against_policy", "safety_violation"),
                                            message_fields=("detail.message", "detail", "message"))

    def auth_headers(self) -> dict[str, str]:
        return {"xi-api-key": self.key} if self.key else {}

    def check_voice(self, voice) -> None:
        if not voice.voice:
            raise BackendError("an ElevenLabs voice needs its voice id", "set voice.voice to a voice_id from "
                               "your ElevenLabs voice library")

    def synthesize(self, request: SpeechRequest, dest: Path) -> SpeechResult:
        self.check_voice(request.voice)
        return asyncio.run(self._line(request, dest))

    def synthesize_exchange(self, requests: list[SpeechRequest], dests: list[Path]) -> list[SpeechResult]:
        """Speak several lines as one conversation; one WAV per line, cut at the voice segments."""
        for request in requests:
            self.check_voice(request.voice)
        return asyncio.run(self._exchange(requests, dests))

    def _settings(self) -> dict:
        return {"voice_settings": {"stability": self.options.stability}} if self.options.stability is not None else {}

    async def _line(self, request: SpeechRequest, dest: Path) -> SpeechResult:
        body = {"text": request.text, "model_id": request.voice.options.get("model", self.options.model),
                **self._settings()}
        url = f"/v1/text-to-speech/{request.voice.voice}"
        async with self.client() as client:
            response = await with_retries(
                lambda: create(client, self.contract, url, json=body, params={"output_format": f"pcm_{RATE}"}),
                policy=self.retry_policy(4), what=f"line {request.text[:30]!r}")
        seconds = write_wav(dest, response.content, RATE)
        return SpeechResult(path=str(dest), seconds=seconds, sample_rate=RATE)

    async def _exchange(self, requests: list[SpeechRequest], dests: list[Path]) -> list[SpeechResult]:
        body = {"inputs": [{"text": r.text, "voice_id": r.voice.voice} for r in requests],
                "model_id": self.options.dialogue_model}
        async with self.client() as client:
            response = await with_retries(
                lambda: create(client, self.contract, "/v1/text-to-dialogue/with-timestamps", json=body,
                               params={"output_format": f"pcm_{RATE}"}),
                policy=self.retry_policy(4), what=f"an exchange of {len(requests)} lines")
            data = client.decode(Step.CREATE, response)
        pcm = base64.b64decode(pick(data, "audio_base64", contract=self.contract, step=Step.CREATE))
        segments = pick(data, "voice_segments", contract=self.contract, step=Step.CREATE)
        spans: dict[int, list[float]] = {}
        for segment in segments:
            index = int(segment["dialogue_input_index"])
            start, end = float(segment["start_time_seconds"]), float(segment["end_time_seconds"])
            low, high = spans.get(index, [start, end])
            spans[index] = [min(low, start), max(high, end)]
        results = []
        for index, dest in enumerate(dests):
            start, end = spans.get(index, [0.0, 0.0])
            piece = pcm[2 * int(start * RATE): 2 * int(end * RATE)]
            results.append(SpeechResult(path=str(dest), seconds=write_wav(dest, piece, RATE), sample_rate=RATE))
        return results
