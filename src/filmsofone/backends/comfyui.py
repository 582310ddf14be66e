"""ComfyUI: the user's own GPU (or a LAN box) running their API-format workflow, one prompt per shot.

Contract: docs/contracts.md, "ComfyUI". A workflow is the JSON ComfyUI's "Save (API)" writes,
with placeholders such as "{{prompt}}" in input values; a value that is exactly one placeholder gets the
typed value (int seed, frames, width...), otherwise the text is interpolated. Placeholders:

    prompt, negative_prompt, seed, frames, width, height, fps, duration, shot_id, filename_prefix,
    reference_image, reference_image_N (the Nth most prominent reference; reference_image is the first),
    first_frame, last_frame (uploaded through /upload/image), checkpoint, sampler, steps, cfg, lora_N,
    lora_N_strength (N = 1, 2, ...; from the `loras` option, "name" or "name:weight")

`comfyui-image` (kind image, for keyframes) runs a workflow that ends in SaveImage: its LoadImage nodes get
the shot's reference images through the reference_image_N placeholders (a slot the shot has no reference for
gets a plain grey image, so one workflow serves every shot), and the PNG is fetched through /history + /view.

checkpoint, LoRAs, sampler, steps and cfg come from the options, else from the style bible's model hints
(`apply_model_hints`), and only where the workflow has a place for them.

The prompt and negative prompt also travel in `extra_data.extra_pnginfo`, which SaveVideo writes into the
MP4's metadata. Every shot gets a prompt_id derived from the engine's idempotency key: before queueing,
the adapter asks each server's /history and /queue for that id, so a resend never queues a shot twice.
Several `url`s spread shots across servers (the least busy first). Progress comes from the /ws socket
(through websocket-client; it is only an accelerator), the truth from /history; a prompt in neither
/history nor /queue is lost (deleted, or the server restarted) and fails instead of being polled forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import json
import re
import threading
import uuid
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import websocket
from pydantic import Field, field_validator

from ..errors import BackendError
from .base import (Backend, BackendOptions, Capabilities, Failed, GenerationRequest, JobState, JobStatus,
                   Throttled, Transient, Unreachable)
from .inputs import still_size
from .transport import Contract, Step, Transport

CONTRACT = Contract("comfyui", message_fields=("error", "message", "details", "type"))

BUNDLED = {"weightless": "comfyui_weightless_t2v.json", "weightless-i2v": "comfyui_weightless_i2v.json",
           "weightless-ref": "comfyui_weightless_ref.json", "weightless-image": "comfyui_weightless_image.json",
           "ltxv-t2v": "comfyui_ltxv_t2v.json", "ltxv-t2v-lora": "comfyui_ltxv_t2v_lora.json"}
WORKFLOWS = Path(__file__).parent / "workflows"
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_0-9]+)\s*\}\}")
_SIMPLE = {"prompt", "negative_prompt", "seed", "frames", "width", "height", "fps", "duration", "shot_id",
           "filename_prefix", "reference_image", "first_frame", "last_frame", "checkpoint", "sampler", "steps",
           "cfg"}
_TUNING = ("checkpoint", "sampler", "steps", "cfg")  # from options or the style bible's model hints
_LORA = re.compile(r"lora_(\d+)(_strength)?$")
_REFERENCE = re.compile(r"reference_image_(\d+)$")
VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".mkv", ".gif")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


@dataclasses.dataclass(frozen=True)
class OutputKind:
    """What a workflow must end in: a video (comfyui) or an image (comfyui-image)."""

    noun: str
    suffixes: tuple[str, ...]
    preferred: str  # the suffix taken first when a workflow saves several
    hint: str


VIDEO_OUTPUT = OutputKind("video", VIDEO_SUFFIXES, ".mp4", "does it end in SaveVideo, SaveWEBM or VHS_VideoCombine?")
IMAGE_OUTPUT = OutputKind("image", IMAGE_SUFFIXES, ".png", "does it end in SaveImage?")


class ComfyUIOptions(BackendOptions):
    url: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:8188"])
    workflow: str = "weightless"  # a bundled name (see BUNDLED) or the path of an API-format JSON
    checkpoint: str | None = None  # usually from the style bible's model hints
    loras: list[str] = Field(default_factory=list)  # "name.safetensors" or "name.safetensors:0.8"
    sampler: str | None = None
    steps: int | None = Field(default=None, ge=1)
    cfg: float | None = Field(default=None, ge=0)
    frame_step: int = Field(default=1, ge=1)  # 4 or 8 for models that want 4n+1 / 8n+1 frames
    websocket: bool = True

    @field_validator("url", "loras", mode="before")
    @classmethod
    def _split(cls, value):
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("url")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("give at least one server URL")
        for url in value:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise ValueError(f"not an http(s) URL: {url}")
        return [url.rstrip("/") for url in value]


MAX_WORKFLOW_BYTES = 8 << 20  # an API-format graph is a few kB; a file this large is not one


def load_workflow(spec: str) -> dict:
    """The API-format graph named by `spec` (a bundled name or a path); BackendError when unusable."""
    if spec in BUNDLED:
        text = (WORKFLOWS / BUNDLED[spec]).read_text("utf-8")
        where = f"bundled workflow '{spec}'"
    else:
        path = Path(spec).expanduser()
        if not path.is_file():
            raise BackendError(f"ComfyUI workflow not found: {path}",
                               f"give a JSON file saved with 'Save (API)', or one of {', '.join(BUNDLED)}")
        if path.stat().st_size > MAX_WORKFLOW_BYTES:
            raise BackendError(f"{path} is larger than a ComfyUI workflow may be ({MAX_WORKFLOW_BYTES >> 20} MB)",
                               "give the JSON file saved with 'Save (API)'")
        text, where = path.read_text("utf-8"), str(path)
    try:
        graph = json.loads(text)
    except ValueError as exc:
        raise BackendError(f"{where} is not valid JSON: {exc}", "export it again with 'Save (API)'") from None
    if not isinstance(graph, dict) or not graph or not all(
            isinstance(node, dict) and "class_type" in node for node in graph.values()):
        raise BackendError(f"{where} is not an API-format workflow (nodes with class_type)",
                           "in ComfyUI use Workflow > Export (API), not the UI save")
    unknown = sorted(name for name in placeholders(graph)
                     if name not in _SIMPLE and not _LORA.match(name) and not _REFERENCE.match(name))
    if unknown:
        raise BackendError(f"{where} uses unknown placeholder(s): {', '.join(unknown)}",
                           f"known: {', '.join(sorted(_SIMPLE))}, reference_image_N, lora_N, lora_N_strength")
    return graph


def placeholders(value: Any) -> set[str]:
    """Every placeholder name used anywhere in a graph."""
    if isinstance(value, str):
        return set(PLACEHOLDER.findall(value))
    if isinstance(value, dict):
        return set().union(*(placeholders(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(placeholders(v) for v in value)) if value else set()
    return set()


def reference_slots(used: set[str]) -> list[str]:
    """The workflow's reference placeholders in prominence order (reference_image is the first)."""
    numbered = {int(m.group(1)): m.group(0) for m in map(_REFERENCE.match, used) if m}
    count = max([*numbered, 1 if "reference_image" in used else 0])
    return [numbered.get(n) or "reference_image" for n in range(1, count + 1)]


def blank_reference() -> bytes:
    """The plain grey PNG a reference slot gets when the shot has no reference for it (comfyui-image)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (128, 128, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def fill(value: Any, values: dict[str, Any]) -> Any:
    """The graph with every placeholder replaced (a lone placeholder keeps its value's type)."""
    if isinstance(value, dict):
        return {key: fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, values) for item in value]
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value.strip())
        if whole:
            return values[whole.group(1)]
        return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), value)
    return value


def parse_lora(spec: str) -> tuple[str, float]:
    name, sep, weight = spec.rpartition(":")
    if sep and name:
        try:
            return name, float(weight)
        except ValueError:
            pass
    return spec, 1.0


def safe_output_name(item: dict) -> tuple[str, str, str]:
    """(filename, subfolder, type) of a history output item; Failed when it could leave the output folder."""
    filename, subfolder = str(item.get("filename") or ""), str(item.get("subfolder") or "")
    kind = str(item.get("type") or "output")
    bad_name = (not filename or "/" in filename or "\\" in filename or filename in (".", "..")
                or filename.startswith("~"))
    parts = PurePosixPath(subfolder.replace("\\", "/")).parts
    bad_folder = subfolder.startswith(("/", "\\")) or ":" in subfolder or ".." in parts
    if bad_name or bad_folder or kind not in ("output", "temp"):
        raise Failed(f"comfyui: refusing an output outside the output folder: {subfolder!r}/{filename!r}")
    return filename, subfolder, kind


class ComfyUIBackend(Backend):
    name = "comfyui"
    kind = "video"
    description = "your own ComfyUI server(s): an API-format workflow with placeholders, free, local or LAN"
    capabilities = Capabilities(min_duration=0.1, max_duration=60.0,
                                aspect_ratios=["16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "2.39:1", "1.85:1"],
                                resolutions=["any"], prompt_limit=20000, seed=True, negative_prompt=True,
                                reference_images=1, first_frame=True, last_frame=True)
    Options = ComfyUIOptions
    contract = CONTRACT
    idempotent_create = True  # the prompt_id is ours: a resend finds the queued prompt first
    cache_exempt_options = Backend.cache_exempt_options | {"websocket"}  # where and how, not what
    default_concurrency = 2
    poll_interval = 1.0
    job_timeout = 6 * 3600.0
    output_kind = VIDEO_OUTPUT
    fills_missing_references = False  # True: a reference slot the shot has no image for gets a grey one

    def __init__(self, options: ComfyUIOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        self.client_id = f"filmsofone-{uuid.uuid4().hex[:12]}"
        self._assigned: dict[str, int] = {url: 0 for url in self.options.url}
        self._listeners: dict[str, asyncio.Task] = {}
        self._progress: dict[str, float] = {}
        self.workflow = load_workflow(self.options.workflow)
        used = placeholders(self.workflow)
        self.capabilities = type(self).capabilities.model_copy(update={  # what this workflow can honour
            "seed": "seed" in used, "reference_images": len(reference_slots(used)),
            "first_frame": "first_frame" in used, "last_frame": "last_frame" in used})

    def concurrency(self) -> int:
        return self.options.concurrency or 2 * len(self.options.url)

    def check(self, request: GenerationRequest) -> None:
        super().check(request)
        used = placeholders(self.workflow)
        wanted = {"reference_image": bool(request.references), "first_frame": request.first_frame is not None,
                  "last_frame": request.last_frame is not None}
        wanted.update({name: getattr(self.options, name) is not None for name in _TUNING})
        problems = [f"a {name} (the workflow has no {{{{{name}}}}})" for name in _TUNING
                    if wanted[name] and name not in used]
        problems += [f"no {name} (the workflow needs one: set --option {name}=... or the bible's model hints)"
                     for name in _TUNING if name in used and not wanted[name]]
        for name in ("first_frame", "last_frame"):
            if name in used and not wanted[name]:
                problems.append(f"no {name.replace('_', ' ')} (the workflow loads one)")
        slots = len(reference_slots(used))
        if not self.fills_missing_references and len(request.references) < slots:
            problems.append("no reference image (the workflow loads one)" if not request.references else
                            f"{len(request.references)} reference image(s) (the workflow loads {slots})")
        slots = {int(m.group(1)) for m in map(_LORA.match, used) if m}
        if len(self.options.loras) != len(slots):
            problems.append(f"{len(self.options.loras)} LoRA(s) for {len(slots)} lora_N slot(s) in the workflow")
        if problems:
            raise BackendError(f"backend 'comfyui' cannot honour shot {request.shot_id}: " + "; ".join(problems),
                               "change the workflow or the shot")
        _size(request.resolution)

    def apply_model_hints(self, hints) -> None:
        """Take checkpoint, LoRAs, sampler, steps and cfg from the style bible's model hints.

        Options the user set win; a hint is used only where the workflow has a placeholder for it, so a
        bible written for one workflow never breaks another.
        """
        if hints is None:
            return
        given, used = self.options.model_fields_set, placeholders(self.workflow)
        updates: dict = {}
        for name in _TUNING:
            value = getattr(hints, name, None)
            if value not in (None, "") and name not in given and name in used:
                updates[name] = value
        slots = sum(1 for name in used if _LORA.fullmatch(name) and not name.endswith("_strength"))
        loras = list(getattr(hints, "loras", None) or [])
        if slots and loras and "loras" not in given:
            updates["loras"] = [f"{lora.name}:{lora.weight:g}" for lora in loras[:slots]]
        if updates:
            self.options = self.options.model_copy(update=updates)

    # -- submit --

    def prompt_id(self, request: GenerationRequest) -> str:
        key = request.idempotency_key or hashlib.sha256(request.model_dump_json().encode()).hexdigest()
        return f"filmsofone-{uuid.uuid5(uuid.NAMESPACE_URL, 'filmsofone:' + key)}"

    async def submit(self, client: Transport, request: GenerationRequest) -> str:
        self.check(request)
        prompt_id = self.prompt_id(request)
        for server in self.options.url:  # a resend: the prompt may already be queued or done somewhere
            with contextlib.suppress(Transient):
                if await self._known(client, server, prompt_id):
                    return f"{prompt_id}@{server}"
        server = await self._pick_server(client)
        if self.options.websocket:
            self._listen(server)
        graph = await self._graph_for(client, server, request, prompt_id)
        info = {"shot_id": request.shot_id, "prompt": request.prompt, "negative_prompt": request.negative_prompt,
                "seed": request.seed}
        body = {"prompt": graph, "client_id": self.client_id, "prompt_id": prompt_id,
                "extra_data": {"extra_pnginfo": {"filmsofone": info}}}
        # a create, but a resend is safe (idempotent_create): the next submit finds the prompt id first
        response = await client.send(Step.CREATE, "POST", f"{server}/prompt", json=body, read_codes={400})
        if response.status_code == 400:
            raise Failed(f"comfyui rejected the workflow: {_validation_message(response)}")
        self._assigned[server] = self._assigned.get(server, 0) + 1
        return f"{prompt_id}@{server}"

    async def _known(self, client: Transport, server: str, prompt_id: str) -> bool:
        if await self._history(client, server, prompt_id):
            return True
        return _queue_position(await self._get_json(client, f"{server}/queue"), prompt_id) is not None

    async def _pick_server(self, client: Transport) -> str:
        if len(self.options.url) == 1:
            return self.options.url[0]
        loads = []
        for order, server in enumerate(self.options.url):
            try:
                info = await self._get_json(client, f"{server}/prompt")
                remaining = int(info.get("exec_info", {}).get("queue_remaining", 0))
            except (Transient, Throttled, Failed, ValueError, AttributeError):
                continue  # unreachable or odd: try the others
            loads.append((remaining + self._assigned.get(server, 0), order, server))
        if not loads:
            raise Transient(f"comfyui: none of {', '.join(self.options.url)} answers")
        return min(loads)[2]

    async def _graph_for(self, client: Transport, server: str, request: GenerationRequest,
                         prompt_id: str) -> dict:
        width, height = _size(request.resolution)
        step = self.options.frame_step
        frames = max(1, round(request.duration * request.fps))
        if step > 1:
            frames = max(1, round((frames - 1) / step)) * step + 1
        values: dict[str, Any] = {
            "prompt": request.prompt, "negative_prompt": request.negative_prompt,
            "seed": request.seed if request.seed is not None else 0, "frames": frames, "width": width,
            "height": height, "fps": request.fps, "duration": request.duration, "shot_id": request.shot_id,
            "filename_prefix": f"filmsofone/{_slug(request.shot_id)}",
            **{name: getattr(self.options, name) for name in _TUNING}}
        for index, spec in enumerate(self.options.loras, start=1):
            values[f"lora_{index}"], values[f"lora_{index}_strength"] = parse_lora(spec)
        used = placeholders(self.workflow)
        for name, path in {"first_frame": request.first_frame, "last_frame": request.last_frame}.items():
            if path is not None and name in used:
                values[name] = await self._upload_file(client, server, Path(path), f"{prompt_id}-{name}")
        for index, slot in enumerate(reference_slots(used)):
            stem = f"{prompt_id}-ref{index + 1}"
            if index < len(request.references):
                values[slot] = await self._upload_file(client, server, Path(request.references[index]), stem)
            elif self.fills_missing_references:
                values[slot] = await self._upload(client, server, blank_reference(), f"{stem}-blank.png")
        if "reference_image" in used and "reference_image" not in values and "reference_image_1" in values:
            values["reference_image"] = values["reference_image_1"]
        return fill(self.workflow, values)

    async def _upload_file(self, client: Transport, server: str, path: Path, stem: str) -> str:
        if not path.is_file():
            raise BackendError(f"comfyui: image not found: {path}", "check the shot's reference images")
        return await self._upload(client, server, path.read_bytes(), f"{stem}{path.suffix.lower() or '.png'}")

    async def _upload(self, client: Transport, server: str, data: bytes, name: str) -> str:
        files = {"image": (name, data, "application/octet-stream")}
        data = await client.json(Step.UPLOAD, "POST", f"{server}/upload/image", files=files,
                                 data={"type": "input", "overwrite": "true"})
        if not data.get("name"):
            raise Transient("comfyui: the upload answer has no file name")
        return f"{data['subfolder']}/{data['name']}" if data.get("subfolder") else str(data["name"])

    # -- status --

    async def status(self, client: Transport, job_id: str) -> JobStatus:
        prompt_id, server = _split_job(job_id)
        if self.options.websocket:
            self._listen(server)
        entry = await self._history(client, server, prompt_id)
        if not entry:
            position = _queue_position(await self._get_json(client, f"{server}/queue"), prompt_id)
            if position is not None:
                running = position == 0
                return JobStatus(state=JobState.RUNNING if running else JobState.QUEUED,
                                 progress=self._progress.get(prompt_id) if running else None)
            entry = await self._history(client, server, prompt_id)  # it may have finished in between
            if not entry:
                return JobStatus(state=JobState.FAILED, error=f"comfyui: prompt {prompt_id} is in neither the "
                                 f"history nor the queue of {server} (deleted, or the server restarted)")
        return _history_status(entry, server, self.output_kind)

    async def _history(self, client: Transport, server: str, prompt_id: str) -> dict | None:
        data = await self._get_json(client, f"{server}/history/{prompt_id}")
        if not isinstance(data, dict):
            raise Transient("comfyui: malformed /history answer")
        return data.get(prompt_id) or None

    async def _get_json(self, client: Transport, url: str) -> Any:
        try:
            return await client.json(Step.READ, "GET", url)
        except (Transient, Throttled, Failed) as exc:
            raise _tagged(exc, f"comfyui {_origin(url)}") from None

    # -- download --

    async def download(self, client: Transport, status: JobStatus, dest: Path) -> None:
        if not status.output_urls:
            raise Failed(f"comfyui: the job produced no {self.output_kind.noun} output")
        await client.download(status.output_urls[0], dest)

    # -- the /ws accelerator --

    def _listen(self, server: str) -> None:
        task = self._listeners.get(server)
        if task is not None and not task.done():
            return
        try:
            self._listeners[server] = asyncio.get_running_loop().create_task(self._watch(server))
        except RuntimeError:  # no running loop: polling alone will do
            pass

    async def _watch(self, server: str) -> None:
        """Follow progress messages; on any socket problem, retry a few times, then leave it to /history."""
        for attempt in range(5):
            try:
                async for message in ws_messages(f"{server}/ws?clientId={self.client_id}"):
                    self._on_message(message)
            except (OSError, websocket.WebSocketException, ValueError):
                pass
            await asyncio.sleep(min(30.0, 0.5 * 2 ** attempt))

    def _on_message(self, message: dict) -> None:
        kind, data = message.get("type"), message.get("data") or {}
        prompt_id = data.get("prompt_id") if isinstance(data, dict) else None
        if not prompt_id:
            return
        if kind == "progress" and data.get("max"):
            self._progress[prompt_id] = float(data["value"]) / float(data["max"])
        elif kind == "progress_state" and isinstance(data.get("nodes"), dict):
            nodes = [n for n in data["nodes"].values() if isinstance(n, dict) and n.get("max")]
            if nodes:
                total = sum(float(n["max"]) for n in nodes)
                self._progress[prompt_id] = sum(float(n.get("value", 0)) for n in nodes) / total
        elif kind == "execution_success":
            self._progress[prompt_id] = 1.0


# --- helpers -----------------------------------------------------------------------------------------


def _size(resolution: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*[x×]\s*(\d+)\s*", resolution)
    if not match:
        raise BackendError(f"comfyui: resolution {resolution!r} is not WIDTHxHEIGHT", "e.g. 1280x720")
    width, height = int(match.group(1)), int(match.group(2))
    return max(2, width - width % 2), max(2, height - height % 2)  # the H.264 encoder needs even sizes


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "shot"


def _split_job(job_id: str) -> tuple[str, str]:
    prompt_id, sep, server = job_id.partition("@")
    if not sep or not server.startswith(("http://", "https://")):
        raise Failed(f"comfyui: not a job id of this backend: {job_id!r}")
    return prompt_id, server


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _tagged(exc: Exception, where: str) -> Exception:
    """The same failure, saying which server answered (Throttled keeps its Retry-After, Unreachable its host)."""
    if isinstance(exc, Throttled):
        return Throttled(f"{where}: {exc}", exc.retry_after)
    if isinstance(exc, Unreachable):
        return Unreachable(f"{where}: {exc}", exc.reason, exc.host, exc.settled)
    return type(exc)(f"{where}: {exc}")


def _validation_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:300]
    error = data.get("error") or {}
    parts = [str(error.get("message") or error.get("type") or "invalid prompt")]
    if error.get("details"):
        parts.append(str(error["details"]))
    for node_id, node in (data.get("node_errors") or {}).items():
        for item in node.get("errors", [])[:2]:
            parts.append(f"node {node_id} ({node.get('class_type')}): {item.get('details') or item.get('message')}")
    return "; ".join(parts)[:600]


def _queue_position(queue: Any, prompt_id: str) -> int | None:
    """0 when running, 1+ when pending, None when absent."""
    if not isinstance(queue, dict):
        raise Transient("comfyui: malformed /queue answer")
    for item in queue.get("queue_running") or []:
        if isinstance(item, list) and len(item) > 1 and item[1] == prompt_id:
            return 0
    pending = sorted((item for item in queue.get("queue_pending") or [] if isinstance(item, list) and len(item) > 1),
                     key=lambda item: item[0] if isinstance(item[0], (int, float)) else 0)
    for position, item in enumerate(pending, start=1):
        if item[1] == prompt_id:
            return position
    return None


def _history_status(entry: dict, server: str, wanted: OutputKind = VIDEO_OUTPUT) -> JobStatus:
    status = entry.get("status") or {}
    outcome = status.get("status_str")
    if outcome == "error":
        return JobStatus(state=JobState.FAILED, error=f"comfyui: {_execution_error(status)}")
    videos: list[str] = []
    for node_output in (entry.get("outputs") or {}).values():
        if not isinstance(node_output, dict):
            continue
        for items in node_output.values():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and str(item.get("filename", "")).lower().endswith(wanted.suffixes):
                    try:
                        filename, subfolder, kind = safe_output_name(item)
                    except Failed as exc:
                        return JobStatus(state=JobState.FAILED, error=str(exc))
                    query = urlencode({"filename": filename, "subfolder": subfolder, "type": kind})
                    videos.append(f"{server}/view?{query}")
    if not videos:
        return JobStatus(state=JobState.FAILED, error=f"comfyui: the workflow finished without a {wanted.noun} "
                         f"output ({wanted.hint})")
    videos.sort(key=lambda url: (0 if "type=output" in url else 1, 0 if wanted.preferred in url.lower() else 1))
    return JobStatus(state=JobState.SUCCEEDED, progress=1.0, output_urls=videos)


def _execution_error(status: dict) -> str:
    for event, data in status.get("messages") or []:
        if event == "execution_error" and isinstance(data, dict):
            return f"{data.get('node_type', 'a node')} failed: {data.get('exception_message', '').strip()}"[:500]
        if event == "execution_interrupted":
            return "the prompt was interrupted"
    return "the prompt failed"


# --- the /ws socket, through websocket-client (run in a thread; messages handed to the event loop) --------


async def ws_messages(url: str):
    """Yield the JSON text messages of ComfyUI's /ws (an http(s):// or ws(s):// URL) until the socket closes.

    Binary messages (previews) are skipped. Closing the generator closes the socket.
    """
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()
    connection = await asyncio.to_thread(websocket.create_connection, re.sub(r"^http", "ws", url), timeout=10)
    connection.settimeout(0.5)
    stop = threading.Event()
    threading.Thread(target=_pump, args=(connection, stop, loop, inbox), daemon=True).start()
    try:
        while True:
            opcode, data = await inbox.get()
            if opcode is None:
                return
            if opcode == websocket.ABNF.OPCODE_TEXT:
                with contextlib.suppress(ValueError):
                    message = json.loads(data)
                    if isinstance(message, dict):
                        yield message
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            connection.shutdown()


def _pump(connection, stop: threading.Event, loop: asyncio.AbstractEventLoop, inbox: asyncio.Queue) -> None:
    """Read frames until `stop` or the server closes; (None, None) marks the end."""
    def hand(item) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is listening any more
            loop.call_soon_threadsafe(inbox.put_nowait, item)

    try:
        while not stop.is_set():
            try:
                opcode, data = connection.recv_data()
            except websocket.WebSocketTimeoutException:
                continue
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                break
            hand((opcode, data))
    except (OSError, websocket.WebSocketException):
        pass
    finally:
        hand((None, None))


class ComfyUIImageOptions(ComfyUIOptions):
    workflow: str = "weightless-image"  # a bundled name or the path of an API-format JSON ending in SaveImage


class ComfyUIImageBackend(ComfyUIBackend):
    """Keyframes from the user's ComfyUI: references into LoadImage slots, the PNG from SaveImage."""

    name = "comfyui-image"
    kind = "image"
    description = "your own ComfyUI server(s): an image workflow whose LoadImage slots get the shot's references"
    capabilities = ComfyUIBackend.capabilities.model_copy(update={  # the default workflow's; each instance its own
        "min_duration": 0.0, "max_duration": 3600.0, "reference_images": 2, "first_frame": False,
        "last_frame": False, "negative_prompt": False,
        "resolutions": [still_size(a) for a in ComfyUIBackend.capabilities.aspect_ratios]})
    Options = ComfyUIImageOptions
    output_kind = IMAGE_OUTPUT
    fills_missing_references = True

    def __init__(self, options: ComfyUIImageOptions | None = None, key: str | None = None):
        super().__init__(options, key)
        used = placeholders(self.workflow)
        self.capabilities = self.capabilities.model_copy(update={"negative_prompt": "negative_prompt" in used})
