"""How a shot becomes a hosted model's input, shared by the adapters (no HTTP here: that is the transport).

- `VideoModel` declares what one hosted model takes and what its inputs are called; `describe` builds
  its input from a `GenerationRequest`; `GENERIC` serves any model the adapter does not know.
- `ImageModel` does the same for a hosted image model (keyframes, portraits) that takes reference images:
  where the references go, how many it takes, how the shape is named; `describe_image` builds its input.
- Images: `check_images` (exist, small enough, a first frame when needed: before anything is sent),
  `image_bytes`, `data_uri`, `raw_base64`.
- `output_urls`: every URL in a model's output (a string, a list, or an object of them).
"""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import ClassVar

from ..errors import BackendError
from .base import Backend, Capabilities, GenerationRequest


@dataclass(frozen=True)
class VideoModel:
    """What one hosted model takes, and what its inputs are called."""

    caps: Capabilities
    names: dict[str, str]  # our field -> the model's input name (prompt, negative_prompt, seed, duration, ...)
    price_per_second: float | None = None
    price_per_clip: float | None = None
    duration_type: type = int
    resolutions: dict[int, str] = field(default_factory=dict)  # frame height -> the model's resolution value
    prices: dict[int, float] = field(default_factory=dict)  # frame height -> USD per second, where it depends on it
    needs_first_frame: bool = False
    fixed: dict = field(default_factory=dict)  # inputs always sent
    frames: int | None = None  # a model that always makes this many frames: the length is set through its fps
    ratio_follows_image: bool = False  # the model ignores the ratio when given a first frame: do not send it


GENERIC = VideoModel(
    Capabilities(min_duration=1, max_duration=20, aspect_ratios=["16:9", "9:16", "1:1", "4:3", "3:4", "21:9"],
                 resolutions=["any"], prompt_limit=2000),
    {"prompt": "prompt", "duration": "duration", "aspect_ratio": "aspect_ratio"})


def describe(model: VideoModel, request: GenerationRequest, image) -> dict:
    """The model's input for one request; `image(path)` encodes an image the way the service takes it."""
    names, data = model.names, dict(model.fixed)
    if "prompt" in names:
        data[names["prompt"]] = request.prompt
    if request.negative_prompt and "negative_prompt" in names:
        data[names["negative_prompt"]] = request.negative_prompt
    if request.seed is not None and "seed" in names:
        data[names["seed"]] = request.seed
    if model.frames and "fps" in names:
        data[names["fps"]] = max(1, round(model.frames / request.duration))
    if "duration" in names:
        seconds = int(round(request.duration)) if float(request.duration).is_integer() else request.duration
        data[names["duration"]] = model.duration_type(seconds)
    if "aspect_ratio" in names and not (request.first_frame and model.ratio_follows_image):
        data[names["aspect_ratio"]] = request.aspect_ratio
    if "resolution" in names and model.resolutions:
        data[names["resolution"]] = nearest_resolution(model.resolutions, request.resolution)
    for ours in ("first_frame", "last_frame"):
        path = getattr(request, ours)
        if path is not None:
            data[names[ours]] = image(path)
    if request.references:
        data[names["references"]] = [image(path) for path in request.references]
    return data


@dataclass(frozen=True)
class ImageModel:
    """What one hosted image model takes, and what its inputs are called (data, from the model's API page)."""

    price_per_image: float
    aspect_ratios: tuple[str, ...]
    references: str = ""  # the input taking the reference images: a list, one image when max_references is 1,
    #                       numbered inputs for "name_{n}" (name_1, name_2, ...); "" takes none
    max_references: int = 0
    min_references: int = 0  # a shot with fewer is sent to `fallback` (the same family without references)
    fallback: str | None = None
    ratio: str | None = "aspect_ratio"  # the input naming the shape
    sizes: dict[str, object] = field(default_factory=dict)  # aspect ratio -> that input's value (default: itself)
    seed: str | None = None  # the seed's input, when the model takes one
    prompt_limit: int = 2000
    fixed: dict = field(default_factory=dict)  # inputs always sent (one image, its format)

    def capabilities(self) -> Capabilities:
        return Capabilities(min_duration=0.0, max_duration=3600.0, aspect_ratios=list(self.aspect_ratios),
                            resolutions=[still_size(a) for a in self.aspect_ratios], prompt_limit=self.prompt_limit,
                            seed=self.seed is not None, reference_images=self.max_references)


def still_size(aspect: str, area: int = 1024 * 1024) -> str:
    """About a megapixel in the shape `aspect` ("16:9" -> "1365x768"), for the engine's resolution field."""
    width, _, height = aspect.partition(":")
    ratio = float(width) / float(height)
    return f"{round((area * ratio) ** 0.5)}x{round((area / ratio) ** 0.5)}"


def describe_image(model: ImageModel, request: GenerationRequest, image) -> dict:
    """The image model's input for one request; `image(path)` encodes a reference the way the service takes it."""
    data = {**model.fixed, "prompt": request.prompt}
    if request.seed is not None and model.seed:
        data[model.seed] = request.seed
    if model.ratio:
        data[model.ratio] = model.sizes.get(request.aspect_ratio, request.aspect_ratio)
    encoded = [image(path) for path in request.references]
    if encoded and "{n}" in model.references:
        data.update({model.references.format(n=n): value for n, value in enumerate(encoded, start=1)})
    elif encoded:
        data[model.references] = encoded[0] if model.max_references == 1 else encoded
    return data


def image_model_for(table: dict[str, ImageModel], name: str, request: GenerationRequest) -> tuple[str, ImageModel]:
    """The model (its name and entry) that makes `request`: `name`, or its fallback for a shot with fewer
    references than it needs."""
    model = table[name]
    if len(request.references) < model.min_references and model.fallback:
        return model.fallback, table[model.fallback]
    return name, model


def known_image_model(table: dict[str, ImageModel], name: str, backend: str) -> ImageModel:
    """The table's entry for `name`, or BackendError naming the known ones (before anything is sent)."""
    if name not in table:
        raise BackendError(f"{backend}: unknown model '{name}'", f"known models: {', '.join(table)}")
    return table[name]


def check_references(request: GenerationRequest, table: dict[str, ImageModel], name: str, provider: str,
                     limit_mb: float) -> None:
    """The references exist and are small enough, and a model that needs more than the shot has has a fallback."""
    model = table[name]
    if len(request.references) < model.min_references and not model.fallback:
        raise BackendError(f"{provider}: {name} needs {model.min_references} reference images and shot "
                           f"{request.shot_id} has {len(request.references)}", "pick another model")
    for path in request.references:
        image_bytes(path, provider=provider, limit_mb=limit_mb)


class ReferenceImageModels:
    """Mixin of the hosted image backends whose models are a table of `ImageModel` (fal-image,
    replicate-image): the chosen model's capabilities and price, its checks, and its input for a request."""

    image_models: ClassVar[dict[str, ImageModel]]
    provider: ClassVar[str]
    image_limit_mb: ClassVar[float]

    def __init__(self, options=None, key: str | None = None):
        Backend.__init__(self, options, key)
        self.image_model = known_image_model(self.image_models, self.options.model, self.name)
        self.capabilities = self.image_model.capabilities()
        self.price_per_clip = self.image_model.price_per_image

    def check(self, request: GenerationRequest) -> None:
        Backend.check(self, request)
        check_references(request, self.image_models, self.options.model, self.provider, self.image_limit_mb)

    def image_input(self, request: GenerationRequest) -> tuple[str, dict]:
        """The model that makes `request` (the chosen one or its fallback) and its input."""
        name, model = image_model_for(self.image_models, self.options.model, request)
        image = partial(data_uri, provider=self.provider, limit_mb=self.image_limit_mb)
        return name, {**describe_image(model, request, image), **self.options.extra_input}


def nearest_resolution(table: dict[int, str], resolution: str) -> str:
    """The model's resolution value whose frame height is nearest the requested one (ties: the larger)."""
    return table[nearest_height(table, resolution)]


def nearest_height(heights, resolution: str | None) -> int:
    """Of `heights`, the one nearest the frame height of `resolution` ("1280x720"; 720 when unreadable; ties:
    the larger)."""
    match = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*", resolution or "")
    height = min(int(match.group(1)), int(match.group(2))) if match else 720
    return min(heights, key=lambda h: (abs(h - height), -h))


def price_per_second(model: VideoModel, resolution: str | None) -> float | None:
    """The model's price per second at the height it makes for `resolution` (its one price when it has no table)."""
    if model.prices:
        return model.prices[nearest_height(model.prices, resolution)]
    return model.price_per_second


def check_images(request: GenerationRequest, model: VideoModel, provider: str, limit_mb: float) -> None:
    """Images exist, are small enough, and a model that needs a first frame gets one (before sending)."""
    if model.needs_first_frame and request.first_frame is None:
        raise BackendError(f"{provider} model needs a first frame for shot {request.shot_id}",
                           "give the shot a first frame, or pick a text-to-video model")
    for path in [*request.references, request.first_frame, request.last_frame]:
        if path is not None:
            image_bytes(path, provider=provider, limit_mb=limit_mb)


def image_bytes(path: Path, *, provider: str, limit_mb: float) -> tuple[bytes, str]:
    """The bytes and MIME type of an image to send; BackendError before sending when missing or too big."""
    path = Path(path)
    if not path.is_file():
        raise BackendError(f"{provider}: image not found: {path}", "check the shot's images")
    if path.stat().st_size > limit_mb * 1024 * 1024:
        raise BackendError(f"{provider}: {path.name} is {path.stat().st_size / 1e6:.1f} MB "
                           f"(over {limit_mb:g} MB)", "use a smaller image")
    return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "image/png"


def data_uri(path: Path, *, provider: str = "the provider", limit_mb: float = 20.0) -> str:
    data, mime = image_bytes(path, provider=provider, limit_mb=limit_mb)
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def raw_base64(path: Path, *, provider: str, limit_mb: float) -> str:
    data, _ = image_bytes(path, provider=provider, limit_mb=limit_mb)
    return base64.b64encode(data).decode()


def output_urls(output) -> list[str]:
    """Every URL in a model's output (a string, a list, or an object of them)."""
    if isinstance(output, str):
        return [output] if output.startswith(("http://", "https://")) else []
    if isinstance(output, list):
        return [url for item in output for url in output_urls(item)]
    if isinstance(output, dict):
        preferred = [output[k] for k in ("video", "url", "output") if k in output]
        rest = [v for k, v in output.items() if k not in ("video", "url", "output")]
        return [url for item in [*preferred, *rest] for url in output_urls(item)]
    return []
