"""`local` and `local-image`: your own GPU (or CPU) through Hugging Face diffusers (the optional extra `local`).

`local` runs a text-to-video or image-to-video pipeline - the diffusers classes for Wan, LTX-Video, CogVideoX,
HunyuanVideo, or any other whose call takes `num_frames` -, named by model id or local folder
(`--option model=Lightricks/LTX-Video` or `model=/models/ltx`). A shot with a keyframe is sent it as `image`
when the pipeline takes one (image-to-video); otherwise the prompt alone. `local-image` runs a text-to-image
pipeline (a video pipeline works too: its first frame) for `filmsofone keyframes`.

Nothing is downloaded at run time unless `allow_download=true`: models load with `local_files_only`, and
`HF_HUB_OFFLINE=1` always wins. A model that is not on disk is one line naming how to get it. Options:
`device` (auto, cpu, cuda, mps), `dtype` (auto, float32, float16, bfloat16), `offload` (none, model,
sequential: accelerate's CPU offload for small GPUs), `steps`, `guidance`, `width`, `height`, `fps`,
`frame_step` (frames are a multiple of it plus one: 4 for Wan, 8 for LTX-Video). Free: no key, no price.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import tempfile
import threading
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field

from ..errors import BackendError
from .base import Backend, BackendOptions, Capabilities, Failed, GenerationRequest

ASPECTS = ["16:9", "9:16", "1:1", "4:3", "3:4", "21:9"]
_pipelines: dict[tuple, object] = {}
_load_lock = threading.Lock()


class LocalOptions(BackendOptions):
    model: str = "Lightricks/LTX-Video"  # a Hugging Face model id or a local folder (save_pretrained layout)
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = "auto"
    offload: Literal["none", "model", "sequential"] = "none"
    steps: int = Field(30, ge=1, le=500)
    guidance: float = Field(5.0, ge=0.0, le=50.0)
    width: int | None = Field(None, ge=16, le=4096, multiple_of=16)  # default: from the style's resolution
    height: int | None = Field(None, ge=16, le=4096, multiple_of=16)
    fps: int = Field(24, ge=1, le=60)
    frame_step: int = Field(8, ge=1, le=16)
    allow_download: bool = False


class LocalImageOptions(LocalOptions):
    model: str = "black-forest-labs/FLUX.1-schnell"
    steps: int = Field(4, ge=1, le=500)
    guidance: float = Field(0.0, ge=0.0, le=50.0)


class LocalBackend(Backend):
    name: ClassVar[str] = "local"
    kind: ClassVar[str] = "video"
    description: ClassVar[str] = "your GPU through diffusers: Wan, LTX-Video, CogVideoX, HunyuanVideo (t2v, i2v)"
    capabilities: ClassVar[Capabilities] = Capabilities(
        min_duration=0.1, max_duration=20.0, aspect_ratios=ASPECTS, resolutions=["1280x720", "832x480", "704x480"],
        prompt_limit=4000, seed=True, negative_prompt=True, first_frame=True)
    Options: ClassVar[type[BackendOptions]] = LocalOptions
    local: ClassVar[bool] = True
    default_concurrency: ClassVar[int] = 1  # one model on one device
    cache_exempt_options: ClassVar[frozenset[str]] = Backend.cache_exempt_options | {"device", "offload",
                                                                                      "allow_download"}

    async def render(self, request: GenerationRequest, dest: Path) -> None:
        await asyncio.to_thread(self.render_sync, request, dest)

    def render_sync(self, request: GenerationRequest, dest: Path) -> None:
        from .. import ffmpeg

        opts: LocalOptions = self.options  # type: ignore[assignment]
        pipe = load_pipeline(opts)
        width, height = frame_size(opts, request)
        frames = frame_count(request.duration, opts.fps, opts.frame_step)
        kwargs = call_arguments(pipe, opts, request, width, height, frames=frames)
        images = video_frames(run(pipe, kwargs))
        with tempfile.TemporaryDirectory(prefix="filmsofone-local-") as tmp:
            for i, image in enumerate(images):
                image.save(Path(tmp) / f"{i:05d}.png")
            w, h = images[0].size
            ffmpeg.run(ffmpeg.frames_clip_args(Path(tmp) / "%05d.png", dest, fps=opts.fps, frames=len(images),
                                               width=w - w % 2, height=h - h % 2))


class LocalImageBackend(Backend):
    name: ClassVar[str] = "local-image"
    kind: ClassVar[str] = "image"
    description: ClassVar[str] = "keyframes on your GPU through diffusers (FLUX, SDXL, ... by model id or folder)"
    capabilities: ClassVar[Capabilities] = Capabilities(
        min_duration=0.0, max_duration=3600.0, aspect_ratios=ASPECTS, resolutions=["1024x576", "1024x1024"],
        prompt_limit=4000, seed=True, negative_prompt=True)
    Options: ClassVar[type[BackendOptions]] = LocalImageOptions
    local: ClassVar[bool] = True
    default_concurrency: ClassVar[int] = 1
    cache_exempt_options: ClassVar[frozenset[str]] = LocalBackend.cache_exempt_options

    async def render(self, request: GenerationRequest, dest: Path) -> None:
        await asyncio.to_thread(self.render_sync, request, dest)

    def render_sync(self, request: GenerationRequest, dest: Path) -> None:
        opts: LocalImageOptions = self.options  # type: ignore[assignment]
        pipe = load_pipeline(opts)
        width, height = frame_size(opts, request)
        result = run(pipe, call_arguments(pipe, opts, request, width, height, frames=1))
        images = getattr(result, "images", None)
        image = images[0] if images else video_frames(result)[0]
        image.save(dest, "PNG")


# --- loading ---------------------------------------------------------------------------------------


def load_pipeline(opts: LocalOptions):
    """The pipeline of `opts.model` on its device (loaded once per process and settings)."""
    key = (opts.model, opts.device, opts.dtype, opts.offload)
    with _load_lock:
        if key not in _pipelines:
            _pipelines[key] = _load(opts)
        return _pipelines[key]


def _load(opts: LocalOptions):
    import torch
    from diffusers import DiffusionPipeline

    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")
    folder = Path(opts.model).expanduser()
    local_only = offline or not opts.allow_download or folder.is_dir()
    source = str(folder) if folder.is_dir() else opts.model
    device = _device(opts.device, torch)
    dtype = _dtype(opts.dtype, device, torch)
    try:
        pipe = DiffusionPipeline.from_pretrained(source, torch_dtype=dtype, local_files_only=local_only)
    except (OSError, ValueError) as exc:
        if folder.is_dir() or "/" not in opts.model and not local_only:
            raise BackendError(f"local: cannot load the pipeline in {opts.model}: {str(exc).splitlines()[0][:200]}",
                               "point --option model= at a folder saved with save_pretrained") from None
        raise BackendError(f"local: model {opts.model} is not on this machine",
                           f"get it with `huggingface-cli download {opts.model}` (or rerun with --option "
                           "allow_download=true), or set --option model=/path/to/folder") from None
    if opts.offload == "model":
        pipe.enable_model_cpu_offload()
    elif opts.offload == "sequential":
        pipe.enable_sequential_cpu_offload()
    else:
        pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _device(choice: str, torch) -> str:
    if choice != "auto":
        return choice
    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def _dtype(choice: str, device: str, torch):
    if choice == "auto":
        return torch.bfloat16 if device == "cuda" else torch.float32
    return getattr(torch, choice)


# --- calling ---------------------------------------------------------------------------------------


def frame_count(duration: float, fps: int, step: int) -> int:
    """Frames for `duration` at `fps`, as `step` * n + 1 (what Wan, LTX-Video and CogVideoX expect)."""
    wanted = max(1, round(duration * fps))
    return max(1, round((wanted - 1) / step) * step + 1)


def frame_size(opts: LocalOptions, request: GenerationRequest) -> tuple[int, int]:
    """The options' width and height, else the request's resolution fitted to the aspect, multiples of 32."""
    if opts.width and opts.height:
        return opts.width, opts.height
    width, _, height = (request.resolution or "1280x720").partition("x")
    w, h = (int(width), int(height)) if width.isdigit() and height.isdigit() else (1280, 720)
    a, _, b = request.aspect_ratio.partition(":")
    ratio = float(a) / float(b) if b else w / h
    h = opts.height or min(h, int(w / ratio))
    w = opts.width or int(h * ratio)
    return max(32, w // 32 * 32), max(32, h // 32 * 32)


def call_arguments(pipe, opts: LocalOptions, request: GenerationRequest, width: int, height: int, *,
                   frames: int) -> dict:
    """The pipeline's keyword arguments for one request (only those its `__call__` takes)."""
    import torch

    takes = inspect.signature(pipe.__call__).parameters
    wanted = {"prompt": request.prompt, "negative_prompt": request.negative_prompt or None, "width": width,
              "height": height, "num_inference_steps": opts.steps, "guidance_scale": opts.guidance,
              "num_frames": frames, "output_type": "pil"}
    if request.seed is not None:
        wanted["generator"] = torch.Generator(device="cpu").manual_seed(int(request.seed))
    if request.first_frame is not None:
        if "image" not in takes:
            raise BackendError(f"local: {type(pipe).__name__} makes video from text only, and shot "
                               f"{request.shot_id} has a keyframe", "use an image-to-video model (…ImageToVideoPipeline)")
        from PIL import Image, ImageOps

        with Image.open(request.first_frame) as still:
            wanted["image"] = ImageOps.fit(still.convert("RGB"), (width, height))
    return {k: v for k, v in wanted.items() if k in takes and v is not None}


def run(pipe, kwargs: dict):
    try:
        return pipe(**kwargs)
    except (RuntimeError, ValueError) as exc:  # out of memory, a size the model refuses, ...
        raise Failed(f"local: {type(pipe).__name__} failed: {str(exc).splitlines()[0][:300]}") from None


def video_frames(result) -> list:
    """The frames of a video pipeline's output as PIL images (first video of the batch)."""
    from PIL import Image

    frames = getattr(result, "frames", None)
    if frames is None:
        images = getattr(result, "images", None)
        if not images:
            raise Failed("local: the pipeline returned no frames")
        return list(images)
    video = frames[0]
    if isinstance(video, Image.Image):
        return list(frames)
    return [f if isinstance(f, Image.Image) else Image.fromarray(_to_uint8(f)) for f in video]


def _to_uint8(frame):
    import numpy

    array = numpy.asarray(frame)
    if array.dtype != numpy.uint8:
        array = (numpy.clip(array, 0, 1) * 255).round().astype(numpy.uint8)
    return array
