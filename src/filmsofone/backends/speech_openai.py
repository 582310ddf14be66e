"""`openai-speech`: any server that speaks OpenAI's `POST /v1/audio/speech` contract.

OpenAI itself (`https://api.openai.com`, models gpt-4o-mini-tts / tts-1, voices alloy, ash, coral, ...,
with `instructions` for how to speak), and the local servers that copy the contract: Kokoro-FastAPI
(`http://localhost:8880`, model kokoro, voices af_bella, bm_george, ...), Chatterbox's OpenAI-compatible
server, and others. The request is JSON `{model, input, voice, instructions?, response_format: "wav",
speed}`; the answer is the audio file itself. Errors are `{"error": {"message", "type", "code"}}`.

The voice id and description come from the bible's voice (`voice`, `description` -> instructions);
`base_url` and `model` from the voice's `options` or this backend's options. A local server needs no key:
set `needs_key: false` in the voice's options (the key is then never asked for).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from .base import BackendOptions
from .speech_base import SpeechBackend, SpeechRequest, SpeechResult, save_audio
from .transport import Contract, Step, with_retries


class OpenAISpeechOptions(BackendOptions):
    base_url: str = "https://api.openai.com"
    model: str = "gpt-4o-mini-tts"
    speed: float = 1.0
    needs_key: bool = True  # false for a local server (Kokoro-FastAPI, Chatterbox)


class OpenAISpeech(SpeechBackend):
    name = "openai-speech"
    description = "OpenAI /v1/audio/speech, or a local server with that contract (Kokoro-FastAPI, Chatterbox)"
    local = False
    needs_key = True
    key_env_var = "OPENAI_API_KEY"
    Options = OpenAISpeechOptions
    contract: ClassVar[Contract] = Contract("openai-speech", moderation_codes=("content_policy_violation",),
                                            message_fields=("error.message", "message", "detail"))
    price_per_character = 15.0 / 1_000_000  # [unverified] tts-1 list price; gpt-4o-mini-tts bills audio tokens

    def synthesize(self, request: SpeechRequest, dest: Path) -> SpeechResult:
        return asyncio.run(self._synthesize(request, dest))

    async def _synthesize(self, request: SpeechRequest, dest: Path) -> SpeechResult:
        body = {"model": request.voice.options.get("model", self.options.model), "input": request.text,
                "voice": request.voice.voice or "alloy", "response_format": "wav",
                "speed": float(request.voice.options.get("speed", self.options.speed))}
        if request.voice.description:
            body["instructions"] = request.voice.description
        async with self.client() as client:
            response = await with_retries(lambda: client.send(Step.CREATE, "POST", "/v1/audio/speech", json=body),
                                          policy=self.retry_policy(4), what=f"line {request.text[:30]!r}")
        return save_audio(response.content, dest)
