"""A fake ComfyUI server on 127.0.0.1 that keeps the real contract (docs/contracts.md).

It validates class types, queues prompts (client-set prompt_id honoured), "executes" them one at a time in
a worker thread (weightless-style graphs: the frame count, size and fps are read from the graph, and the
output is a real MP4 of that length), writes `/history` only when done (`{}` before, and forever for
unknown ids; a graph ending in SaveImage makes a real PNG of the graph's size instead), serves `/view`, `/upload/image` (multipart), `/queue`, `/interrupt`, `/object_info`,
`/system_stats`, every route under `/api` too, and the `/ws` socket with the real message order.

Failure switches (counted ints are consumed one use at a time): `throttle` (429 + Retry-After on
/prompt), `server_errors` (500 on /history), `malformed` (garbage /history), `hang_prompt` (queue the
prompt, then answer only after `hang_seconds`), `lose` (accept a prompt, then drop it), `fail` (the run
ends in execution_error), `escape_filename` (history names an output "../../escaped.mp4" or ".png"),
`expire_outputs` (404 on /view), `truncate_view` (half the file, then hang up). `submissions` counts
accepted POST /prompt; `duplicates` counts prompt_ids queued more than once; `received_references()` gives the
images each queued prompt's LoadImage nodes load, in node order.
"""

from __future__ import annotations

import base64
import email
import hashlib
import json
import queue
import threading
import time
from pathlib import PurePosixPath

from ._base import FakeHandler, FakeServer, sample_mp4
from .faults import Reply, tiny_png

NODE_CLASSES = {
    "EmptyImage", "LoadImage", "ImageScale", "ImageBlend", "RepeatImageBatch", "ImageAddNoise", "CreateVideo", "SaveVideo",
    "SaveWEBM", "SaveImage", "PreviewImage", "PrimitiveString", "PrimitiveInt", "CheckpointLoaderSimple",
    "CLIPLoader", "CLIPTextEncode", "LTXVConditioning", "EmptyLTXVLatentVideo", "KSampler", "VAEDecode",
    "LoraLoader", "LoraLoaderModelOnly",
}
OUTPUT_NODES = {"SaveVideo", "SaveWEBM", "SaveImage", "PreviewImage"}
_WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class ComfyHandler(FakeHandler):
    server: "FakeComfyUI"

    def route(self) -> str:
        path = self.url.path
        return path[4:] if path.startswith("/api/") else path

    def origin_refused(self) -> bool:
        origin = self.headers.get("Origin")
        if origin and origin.split("://", 1)[-1] != self.headers.get("Host"):
            self.send(403, "Forbidden", "text/plain")
            return True
        return False

    def do_GET(self) -> None:
        srv, path = self.server, self.route()
        srv.note("GET", path)
        if self.origin_refused():
            return
        if path == "/ws":
            return self.websocket()
        if path.startswith("/history/"):
            fault = srv.generic_fault("status", {"error": "internal"})
            if fault is not None:
                return self.play(fault)
            if srv.take("server_errors"):
                return self.send(500, "500 Internal Server Error", "text/plain")
            if srv.take("malformed"):
                return self.send(200, "{not json", "application/json")
            prompt_id = path.split("/", 2)[2]
            with srv.lock:
                entry = srv.history.get(prompt_id)
                return self.send_json(200, {prompt_id: entry} if entry else {})
        if path == "/history":
            with srv.lock:
                return self.send_json(200, dict(srv.history))
        if path == "/queue":
            with srv.lock:
                running = [srv.queue_item(pid) for pid in ([srv.running] if srv.running else [])]
                pending = [srv.queue_item(pid) for pid in srv.pending]
            return self.send_json(200, {"queue_running": running, "queue_pending": pending})
        if path == "/prompt":
            with srv.lock:
                remaining = len(srv.pending) + (1 if srv.running else 0)
            return self.send_json(200, {"exec_info": {"queue_remaining": remaining}})
        if path == "/view":
            return self.view()
        if path == "/object_info":
            return self.send_json(200, {name: {"input": {}, "output_node": name in OUTPUT_NODES}
                                        for name in sorted(NODE_CLASSES)})
        if path == "/system_stats":
            return self.send_json(200, {"system": {"comfyui_version": "0.3.64-fake", "argv": ["main.py"]},
                                        "devices": []})
        self.send_json(404, {"error": "not found"})

    def do_POST(self) -> None:
        srv, path = self.server, self.route()
        srv.note("POST", path)
        self.body()
        if self.origin_refused():
            return
        if path == "/prompt":
            return self.queue_prompt()
        if path == "/upload/image":
            return self.upload()
        body = self.json_body() or {}
        if path == "/queue":
            with srv.lock:
                if body.get("clear"):
                    srv.pending.clear()
                for pid in body.get("delete", []):
                    if pid in srv.pending:
                        srv.pending.remove(pid)
            return self.send(200)
        if path == "/interrupt":
            with srv.lock:
                if srv.running and body.get("prompt_id") in (None, srv.running):
                    srv.interrupted = True
            return self.send(200)
        if path == "/history":
            with srv.lock:
                if body.get("clear"):
                    srv.history.clear()
                for pid in body.get("delete", []):
                    srv.history.pop(pid, None)
            return self.send(200)
        self.send_json(404, {"error": "not found"})

    def queue_prompt(self) -> None:
        srv = self.server
        if srv.take("throttle"):
            return self.send_json(429, {"error": "busy"}, headers={"Retry-After": srv.retry_after})
        body = self.json_body() or {}
        graph = body.get("prompt")
        if not isinstance(graph, dict):
            return self.send_json(400, _error("no_prompt", "No prompt provided"))
        for node_id, node in graph.items():
            if not isinstance(node, dict) or "class_type" not in node:
                return self.send_json(400, _error("invalid_prompt", "Cannot execute because a node is missing "
                                                  "the class_type property.", f"Node ID '#{node_id}'"))
            if node["class_type"] not in NODE_CLASSES:
                return self.send_json(400, _error("invalid_prompt", f"Cannot execute because node "
                                                  f"{node['class_type']} does not exist.", f"Node ID '#{node_id}'"))
        if not any(node["class_type"] in OUTPUT_NODES for node in graph.values()):
            return self.send_json(400, _error("prompt_no_outputs", "Prompt has no outputs"))
        for node_id, node in graph.items():
            image = node.get("inputs", {}).get("image")
            if node["class_type"] == "LoadImage" and image not in srv.uploads:
                payload = _error("prompt_outputs_failed_validation", "Prompt outputs failed validation")
                payload["node_errors"] = {node_id: {"errors": [{
                    "type": "custom_validation_failed", "message": "Custom validation failed for node",
                    "details": f"image - Invalid image file: {image}", "extra_info": {"input_name": "image"}}],
                    "dependent_outputs": [], "class_type": "LoadImage"}}
                return self.send_json(400, payload)
        prompt_id = body.get("prompt_id") or hashlib.md5(json.dumps(graph).encode()).hexdigest()
        with srv.lock:
            srv.submissions += 1
            if prompt_id in srv.records:
                srv.duplicates += 1
            srv.number += 1
            srv.records[prompt_id] = {"number": srv.number, "graph": graph, "client_id": body.get("client_id"),
                                      "extra": body.get("extra_data") or {}}
            srv.history.pop(prompt_id, None)
            if not srv.take("lose"):
                srv.pending.append(prompt_id)
            srv.wake.set()
            number = srv.number
        if srv.take("hang_prompt"):
            time.sleep(srv.hang_seconds)
        answer = {"prompt_id": prompt_id, "number": number, "node_errors": {}}
        fault = srv.generic_fault("create", {"error": {"type": "server_error", "message": "internal"}},
                                  hang_reply=Reply(200, answer))
        if fault is not None:
            if fault.status >= 400:  # not queued after all
                with srv.lock:
                    if prompt_id in srv.pending:
                        srv.pending.remove(prompt_id)
                    srv.records.pop(prompt_id, None)
            return self.play(fault)
        self.send_json(200, answer)

    def upload(self) -> None:
        srv = self.server
        raw = self.body()
        message = email.message_from_bytes(
            f"Content-Type: {self.headers.get('Content-Type')}\r\n\r\n".encode() + raw)
        fields, image = {}, None
        for part in message.get_payload() if message.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                image = (part.get_filename(), part.get_payload(decode=True))
            elif name:
                fields[name] = part.get_payload(decode=True).decode()
        if image is None:
            return self.send(400, "no image", "text/plain")
        filename, data = image
        with srv.lock:
            name = filename
            if name in srv.uploads and srv.uploads[name] != data and fields.get("overwrite") not in ("true", "1"):
                stem, dot, ext = name.rpartition(".")
                name = f"{stem} (1).{ext}"
            srv.uploads[name] = data
        self.send_json(200, {"name": name, "subfolder": fields.get("subfolder", ""), "type": fields.get("type", "input")})

    def view(self) -> None:
        srv, query = self.server, self.query
        filename, subfolder = query.get("filename", ""), query.get("subfolder", "")
        if filename.startswith("/") or ".." in filename:
            return self.send(400, "bad filename", "text/plain")
        if ".." in PurePosixPath(subfolder).parts or subfolder.startswith("/"):
            return self.send(403, "Forbidden", "text/plain")
        with srv.lock:
            data = srv.outputs.get((subfolder, filename))
            expired = srv.expire_outputs
        if data is None or expired:
            return self.send(404, "404: Not Found", "text/plain")
        fault = srv.generic_fault("download", "error")
        if fault is not None:
            return self.play(fault)
        self.send_file(data, truncate=srv.take("truncate_view"), name=filename)

    def websocket(self) -> None:
        srv = self.server
        key = self.headers.get("Sec-WebSocket-Key", "")
        if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
            return self.send(400, "not a websocket request", "text/plain")
        accept = base64.b64encode(hashlib.sha1((key + _WS_GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        client_id = self.query.get("clientId", "")
        inbox: queue.Queue = queue.Queue()
        with srv.lock:
            srv.sockets.setdefault(client_id, []).append(inbox)
            srv.ws_connections += 1
            remaining = len(srv.pending) + (1 if srv.running else 0)
        inbox.put({"type": "status", "data": {"status": {"exec_info": {"queue_remaining": remaining}},
                                              "sid": client_id}})
        self.close_connection = True
        try:
            while not srv.closing:
                try:
                    message = inbox.get(timeout=0.1)
                except queue.Empty:
                    continue
                self.wfile.write(_ws_text_frame(json.dumps(message).encode()))
                self.wfile.flush()
        except OSError:
            pass
        finally:
            with srv.lock:
                srv.sockets.get(client_id, []).remove(inbox)


def _error(kind: str, message: str, details: str = "") -> dict:
    return {"error": {"type": kind, "message": message, "details": details, "extra_info": {}}, "node_errors": {}}


def _ws_text_frame(payload: bytes) -> bytes:
    length = len(payload)
    if length < 126:
        head = bytes([0x81, length])
    elif length < 65536:
        head = bytes([0x81, 126]) + length.to_bytes(2, "big")
    else:
        head = bytes([0x81, 127]) + length.to_bytes(8, "big")
    return head + payload


class FakeComfyUI(FakeServer):
    handler_class = ComfyHandler

    def __init__(self, job_seconds: float = 0.2):
        super().__init__()
        self.job_seconds = job_seconds
        self.records: dict[str, dict] = {}
        self.pending: list[str] = []
        self.running: str | None = None
        self.history: dict[str, dict] = {}
        self.outputs: dict[tuple[str, str], bytes] = {}
        self.uploads: dict[str, bytes] = {}
        self.sockets: dict[str, list[queue.Queue]] = {}
        self.cache: dict[str, dict] = {}
        self.counter = 0
        self.number = 0
        self.submissions = 0
        self.duplicates = 0
        self.ws_connections = 0
        self.executed: list[str] = []
        self.interrupted = False
        self.closing = False
        self.wake = threading.Event()
        self.retry_after = "1"
        self.hang_seconds = 3.0
        self.throttle = self.server_errors = self.malformed = self.hang_prompt = 0
        self.lose = self.fail = self.truncate_view = 0
        self.escape_filename = False
        self.expire_outputs = False
        self.calls: list[tuple[str, str]] = []
        self._worker = threading.Thread(target=self._work, daemon=True)

    def note(self, method: str, path: str) -> None:
        with self.lock:
            self.calls.append((method, path))

    def start(self) -> "FakeComfyUI":
        super().start()
        self._worker.start()
        return self

    def stop(self) -> None:
        self.closing = True
        self.wake.set()
        super().stop()

    def received_references(self) -> list[list[bytes]]:
        """The images each queued prompt's LoadImage nodes load (node order), prompts in the order queued."""
        with self.lock:
            records = sorted(self.records.values(), key=lambda record: record["number"])
            return [[self.uploads[node["inputs"]["image"]] for _, node in sorted(record["graph"].items(),
                                                                                  key=lambda item: int(item[0]))
                     if node["class_type"] == "LoadImage"] for record in records]

    def queue_item(self, prompt_id: str) -> list:
        record = self.records[prompt_id]
        return [record["number"], prompt_id, record["graph"], {"client_id": record["client_id"]},
                [n for n, node in record["graph"].items() if node["class_type"] in OUTPUT_NODES]]

    # -- execution --

    def _emit(self, prompt_id: str, kind: str, data: dict) -> None:
        with self.lock:
            client_id = self.records[prompt_id]["client_id"]
            inboxes = list(self.sockets.get(client_id, []))
        for inbox in inboxes:
            inbox.put({"type": kind, "data": {**data, "prompt_id": prompt_id}})

    def _work(self) -> None:
        while not self.closing:
            with self.lock:
                prompt_id = self.pending.pop(0) if self.pending else None
                self.running = prompt_id
            if prompt_id is None:
                self.wake.wait(0.05)
                self.wake.clear()
                continue
            try:
                self._execute(prompt_id)
            finally:
                with self.lock:
                    self.running = None

    def _execute(self, prompt_id: str) -> None:
        record = self.records[prompt_id]
        graph = record["graph"]
        start = int(time.time() * 1000)
        messages = [["execution_start", {"prompt_id": prompt_id, "timestamp": start}]]
        self._emit(prompt_id, "execution_start", {"timestamp": start})
        signature = json.dumps(graph, sort_keys=True)
        cached = self.cache.get(signature)
        if cached is not None:  # the caching gotcha: the same old output, nothing runs
            self._emit(prompt_id, "execution_cached", {"nodes": list(graph), "timestamp": start})
            return self._finish(prompt_id, messages, cached, success=True)
        self._emit(prompt_id, "execution_cached", {"nodes": [], "timestamp": start})
        steps = 4
        for step in range(1, steps + 1):
            time.sleep(self.job_seconds / steps)
            self._emit(prompt_id, "progress", {"value": step, "max": steps, "node": next(iter(graph))})
        for node_id in graph:
            self._emit(prompt_id, "executing", {"node": node_id, "display_node": node_id})
        width, height, frames, fps = _video_shape(graph)
        with self.lock:
            interrupted, self.interrupted = self.interrupted, False
            failing = self.take("fail")
        if interrupted:
            messages.append(["execution_interrupted", {"prompt_id": prompt_id, "node_id": next(iter(graph))}])
            return self._finish(prompt_id, messages, {}, success=False)
        if failing or width % 2 or height % 2:
            error = {"prompt_id": prompt_id, "node_id": _save_node(graph), "node_type": "SaveVideo",
                     "exception_message": "avcodec_open2(\"libx264\", {}): Invalid argument",
                     "exception_type": "av.error.ExternalError", "traceback": []}
            messages.append(["execution_error", error])
            self._emit(prompt_id, "execution_error", error)
            return self._finish(prompt_id, messages, {}, success=False)
        save_id = _save_node(graph)
        still = graph[save_id]["class_type"] == "SaveImage"
        data = tiny_png(width, height) if still else sample_mp4(round(frames / fps, 3), width, height, fps)
        prefix = str(graph[save_id]["inputs"].get("filename_prefix", "video/ComfyUI"))
        subfolder, _, stem = prefix.rpartition("/")
        with self.lock:
            self.counter += 1
            filename = f"{stem}_{self.counter:05}_.{'png' if still else 'mp4'}"
            self.outputs[(subfolder, filename)] = data
            self.executed.append(prompt_id)
        if self.escape_filename:
            filename, subfolder = f"../../escaped.{'png' if still else 'mp4'}", ""
        outputs = {save_id: {"images": [{"filename": filename, "subfolder": subfolder, "type": "output"}],
                             **({} if still else {"animated": [True]})}}
        self._emit(prompt_id, "executed", {"node": save_id, "display_node": save_id, "output": outputs[save_id]})
        self.cache[signature] = outputs
        self._finish(prompt_id, messages, outputs, success=True)

    def _finish(self, prompt_id: str, messages: list, outputs: dict, *, success: bool) -> None:
        end = int(time.time() * 1000)
        if success:
            messages.append(["execution_success", {"prompt_id": prompt_id, "timestamp": end}])
            self._emit(prompt_id, "execution_success", {"timestamp": end})
        record = self.records[prompt_id]
        entry = {"prompt": [record["number"], prompt_id, record["graph"], record["extra"], list(outputs)],
                 "outputs": outputs,
                 "status": {"status_str": "success" if success else "error", "completed": success,
                            "messages": messages},
                 "meta": {}}
        with self.lock:
            self.history[prompt_id] = entry
        self._emit(prompt_id, "executing", {"node": None})


def _save_node(graph: dict) -> str:
    return next(node_id for node_id, node in graph.items() if node["class_type"] in OUTPUT_NODES)


def _video_shape(graph: dict) -> tuple[int, int, int, int]:
    """(width, height, frames, fps) of a weightless-style or latent-video graph."""
    width = height = None
    frames, fps = 1, 24
    for node in graph.values():
        inputs, kind = node.get("inputs", {}), node["class_type"]
        if kind in ("EmptyImage", "ImageScale", "EmptyLTXVLatentVideo"):
            width, height = int(inputs["width"]), int(inputs["height"])
        if kind == "EmptyImage":
            frames = int(inputs.get("batch_size", 1))
        elif kind == "RepeatImageBatch":
            frames = int(inputs["amount"])
        elif kind == "EmptyLTXVLatentVideo":
            frames = int(inputs["length"])
        elif kind == "CreateVideo":
            fps = int(float(inputs.get("fps", 24)))
    return width or 320, height or 192, frames, fps
