"""`elevenlabs-music`: a scene's score composed by ElevenLabs Music from a prompt (hosted, paid).

`POST /v1/music` with `{prompt, music_length_ms, model_id, force_instrumental: true}` (key in
`xi-api-key`); the answer is the audio file (MP3 by default), decoded here to WAV. The prompt is made by
the sound stage from the scene's intent and tension ("instrumental film score, slow pulse, ... building
from calm to dread"). Lengths are 10 s to 5 min; a longer scene loops its piece.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import ClassVar

from .. import ffmpeg
from .base import Backend, BackendOptions
from .speech_elevenlabs import create
from .transport import Contract, with_retries

MIN_SECONDS, MAX_SECONDS = 10.0, 300.0


class ElevenLabsMusicOptions(BackendOptions):
    base_url: str = "https://api.elevenlabs.io"
    model: str = "music_v1"


class ElevenLabsMusic(Backend):
    name = "elevenlabs-music"
    kind = "music"
    description = "ElevenLabs Music: an instrumental piece per scene from its intent (hosted, paid)"
    needs_key = True
    key_env_var = "ELEVENLABS_API_KEY"
    Options = ElevenLabsMusicOptions
    price_per_second = 0.0133  # [unverified] about $0.80 a minute of music
    contract: ClassVar[Contract] = Contract("elevenlabs-music", key_headers=("xi-api-key",),
                                            moderation_codes=("bad_prompt", "content_against_policy"),
                                            message_fields=("detail.message", "detail", "message"))

    def auth_headers(self) -> dict[str, str]:
        return {"xi-api-key": self.key} if self.key else {}

    def compose(self, prompt: str, seconds: float, dest: Path) -> Path:
        """Write a piece of about `seconds` (clamped to 10 s .. 5 min) for `prompt` as 48 kHz stereo WAV."""
        return asyncio.run(self._compose(prompt, seconds, dest))

    async def _compose(self, prompt: str, seconds: float, dest: Path) -> Path:
        length = int(1000 * min(MAX_SECONDS, max(MIN_SECONDS, seconds)))
        body = {"prompt": prompt, "music_length_ms": length, "model_id": self.options.model,
                "force_instrumental": True}
        async with self.client() as client:
            response = await with_retries(lambda: create(client, self.contract, "/v1/music", json=body),
                                          policy=self.retry_policy(3), what="a scene's music")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
            encoded = Path(tmp) / "music.audio"
            encoded.write_bytes(response.content)
            partial = Path(tmp) / "music.wav"
            ffmpeg.run(ffmpeg.decode_audio_args(encoded, partial))
            partial.replace(dest)
        return dest
