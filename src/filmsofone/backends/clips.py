"""`clips`: a video made anywhere (a web app, a friend's contribution) attached to a shot as a take.

Used through `filmsofone takes add SHOT FILE`: the file is checked, re-encoded to the clip format every
backend produces (so the cut can join by stream copy) and recorded as a new take of the shot.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from pydantic import Field

from ..errors import BackendError, BadInput
from .base import Backend, BackendOptions, Capabilities, GenerationRequest


class ClipsOptions(BackendOptions):
    file: Path | None = None  # the clip to attach
    width: int = Field(640, ge=64, multiple_of=2)
    height: int = Field(360, ge=64, multiple_of=2)
    fps: int = Field(24, ge=1, le=60)


class ClipsBackend(Backend):
    name: ClassVar[str] = "clips"
    description: ClassVar[str] = "attach a video file made anywhere as a take (`filmsofone takes add SHOT FILE`)"
    capabilities: ClassVar[Capabilities] = Capabilities(
        min_duration=0.04, max_duration=3600.0, aspect_ratios=["16:9", "4:3", "1:1", "9:16", "21:9", "2.39:1"],
        resolutions=["any"], prompt_limit=1_000_000, seed=True, negative_prompt=True, reference_images=64,
    )
    Options: ClassVar[type[BackendOptions]] = ClipsOptions
    local: ClassVar[bool] = True
    default_concurrency: ClassVar[int] = 1

    def check(self, request: GenerationRequest) -> None:
        if self.options.file is None:  # type: ignore[attr-defined]
            raise BackendError("the clips backend attaches files, it does not generate",
                               f"use `filmsofone takes add {request.shot_id} FILE`")

    async def render(self, request: GenerationRequest, dest: Path) -> None:
        await asyncio.to_thread(self.attach, dest)

    def attach(self, dest: Path) -> float:
        """Re-encode the options' file into `dest`; return its duration."""
        from .. import ffmpeg

        opts: ClipsOptions = self.options  # type: ignore[assignment]
        if opts.file is None:
            raise BackendError("the clips backend needs a file", "use `filmsofone takes add SHOT FILE`")
        source = Path(opts.file).expanduser()
        if not source.is_file():
            raise BadInput(f"no such clip: {source}", "check the path")
        try:
            info = ffmpeg.probe(source)
        except BackendError:
            raise
        except Exception:
            raise BadInput(f"{source} is not a video ffmpeg can read", "export it as MP4 or MOV") from None
        if not info.video:
            raise BadInput(f"{source} has no video stream", "attach a video file")
        ffmpeg.run(ffmpeg.normalise_args(source, dest, width=opts.width, height=opts.height, fps=opts.fps,
                                          has_audio=bool(info.audio)))
        return info.duration
