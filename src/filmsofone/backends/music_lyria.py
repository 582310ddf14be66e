"""`lyria`: a scene's score composed by Google Lyria 2 on Vertex AI (hosted, paid; docs/contracts.md, "Lyria").

`POST https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/
google/models/lyria-002:predict` with a Bearer access token and `{"instances": [{"prompt", "negative_prompt"?,
"seed"?}], "parameters": {}}`; the answer is `{"predictions": [{"audioContent": <base64 WAV>, "mimeType":
"audio/wav"}]}`: one instrumental clip of 30 s at 48 kHz, whatever the scene's length (the score loops it
over a longer scene). Errors are Google's `{"error": {"code", "message", "status"}}`; a prompt blocked by
the safety filters or recitation checks is a refusal (never resent). One request, no job to poll: a
timeout on it is an unknown outcome, never resent.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import tempfile
from pathlib import Path
from typing import ClassVar

from .. import ffmpeg
from ..errors import BackendError, FFmpegError
from .base import Backend, BackendOptions, Failed
from .transport import Contract, Step, malformed, pick, with_retries

PROVIDER = "lyria"
CLIP_SECONDS = 30.0
CONTRACT = Contract(PROVIDER, key_hint="set GOOGLE_ACCESS_TOKEN to `gcloud auth print-access-token`",
                    moderation_codes=("recitation",))


class LyriaOptions(BackendOptions):
    project: str | None = None  # the Google Cloud project (required)
    location: str = "us-central1"
    base_url: str | None = None  # default: https://{location}-aiplatform.googleapis.com/v1
    model: str = "lyria-002"
    negative_prompt: str = "vocals, singing, lyrics"  # a film score under dialogue
    seed: int | None = None


class LyriaMusic(Backend):
    name = "lyria"
    kind = "music"
    description = "Google Lyria 2 on Vertex AI: a 30-second instrumental piece per scene, looped (hosted, paid)"
    needs_key = True
    key_env_var = "GOOGLE_ACCESS_TOKEN"  # an OAuth access token: `gcloud auth print-access-token`
    Options = LyriaOptions
    price_per_clip = 0.06  # [unverified] list price of one 30-second clip
    contract: ClassVar[Contract] = CONTRACT

    def __init__(self, options: BackendOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        opts = self.options
        if not opts.project:
            raise BackendError(f"{PROVIDER}: no Google Cloud project", "pass --option project=MY_PROJECT "
                               "(in the bible: music.options.project)")
        if not opts.base_url:
            self.options = opts.model_copy(update={"base_url": f"https://{opts.location}-aiplatform.googleapis.com/v1"})

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def endpoint(self) -> str:
        opts = self.options
        return (f"{opts.base_url.rstrip('/')}/projects/{opts.project}/locations/{opts.location}"
                f"/publishers/google/models/{opts.model}:predict")

    def body(self, prompt: str) -> dict:
        instance: dict = {"prompt": prompt}
        if self.options.negative_prompt:
            instance["negative_prompt"] = self.options.negative_prompt
        if self.options.seed is not None:
            instance["seed"] = self.options.seed  # the API refuses a seed with sample_count: none is sent
        return {"instances": [instance], "parameters": {}}

    def cost(self, duration: float, resolution: str | None = None) -> float:
        """One 30-second clip per piece, whatever `duration` (a longer scene loops it)."""
        return super().cost(0.0)

    def compose(self, prompt: str, seconds: float, dest: Path) -> Path:
        """Write the 30-second piece for `prompt` as 48 kHz 16-bit stereo WAV (`seconds` is not asked for:
        Lyria makes 30 s)."""
        return asyncio.run(self._compose(prompt, dest))

    async def _compose(self, prompt: str, dest: Path) -> Path:
        async with self.client() as client:
            data = await with_retries(lambda: client.json(Step.CREATE, "POST", self.endpoint(), json=self.body(prompt)),
                                      policy=self.retry_policy(3), what="a scene's music")
        audio = _audio(data)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
            answer, partial = Path(tmp) / "lyria.wav", Path(tmp) / "music.wav"
            answer.write_bytes(audio)
            try:
                ffmpeg.run(ffmpeg.decode_audio_args(answer, partial))
            except FFmpegError as exc:
                raise Failed(f"{PROVIDER}: the answer's audio does not decode ({exc.message})") from exc
            partial.replace(dest)
        return dest


def _audio(data: dict) -> bytes:
    """The WAV bytes of the first prediction (a 200 without one is malformed, not a refusal)."""
    encoded = pick(data, "predictions", 0, "audioContent", contract=CONTRACT, step=Step.CREATE)
    if not isinstance(encoded, str) or not encoded:
        raise malformed(Step.CREATE, CONTRACT, "audioContent is not a base64 string")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise malformed(Step.CREATE, CONTRACT, "audioContent is not valid base64") from exc
