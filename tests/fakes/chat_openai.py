"""A fake OpenAI-compatible chat completions server (`POST /v1/chat/completions`) on 127.0.0.1.

It follows the documented contract (https://platform.openai.com/docs/api-reference/chat/create, the same in
Ollama, llama.cpp server, vLLM and LM Studio): the answer's text is `choices[0].message.content`, token
counts in `usage`, errors as `{"error": {"message": ...}}`; `GET /v1/models` lists the one model. As a "model" it reads the scene material the
LLM adapter sends and answers the beats JSON: every quotation copied exactly, one action line per
narration sentence it is told is visible. Faults: the generic ones of `FakeService` (throttle = 429 with
Retry-After, server_error, malformed, hang) queued per stage "complete", and `lies` (answers that put a
line the book does not have in a character's mouth) and `garbled` (content that is not JSON).

Asked who speaks a quotation (the speaker refinement's material: characters and a text with the line marked
⟦...⟧), it answers the character a "said <name>" tag in or just after the line names, else one named just
before it, else "unknown"; `strangers` makes the next N answers name a character id that is not in the list.
"""

from __future__ import annotations

import json

from .hosted_base import FakeService, Recorded, Reply


class FakeChat(FakeService):
    create_paths = ("/v1/chat/completions",)

    def __init__(self):
        super().__init__()
        self.lies = 0  # the next N answers hold a line that is not in the book
        self.garbled = 0  # the next N answers are not JSON
        self.strangers = 0  # the next N speaker answers name a character that does not exist

    def backend(self, **options):
        """The `openai-chat` plugin pointed at this fake (model 'tiny'), `options` on top."""
        from filmsofone.backends import get_backend

        return get_backend("openai-chat", {"base_url": f"{self.url}/v1", "model": "tiny", **options}, kind="chat")

    @property
    def completions(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    def route(self, req: Recorded) -> Reply:
        if req.method == "GET" and req.path == "/v1/models":  # the model list (what a run checks first)
            return Reply(200, {"object": "list", "data": [{"id": "tiny", "object": "model", "owned_by": "fake"}]})
        if req.method != "POST" or req.path != "/v1/chat/completions":
            return Reply(404, {"error": {"message": f"no route {req.method} {req.path}"}})
        fault = self.generic_fault("complete", {"error": {"message": "the server is busy"}})
        if fault is not None:
            return fault
        body = req.json()
        if not body.get("model") or not isinstance(body.get("messages"), list):
            return Reply(400, {"error": {"message": "model and messages are required"}})
        return Reply(200, {"id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": self.answer(body["messages"])}}],
                           "usage": {"prompt_tokens": sum(len(m["content"]) for m in body["messages"]) // 4,
                                     "completion_tokens": 50}})

    def answer(self, messages: list[dict]) -> str:
        with self.lock:
            if self.garbled:
                self.garbled -= 1
                return "Here is your scene! INT. SOMEWHERE - the end"
            lie = self.lies > 0
            self.lies -= 1 if lie else 0
        asked = json.loads(messages[1]["content"])
        if "characters" in asked:
            return self.speaker(asked)
        material = asked["material"]
        beats = []
        for item in material:
            if "quote" in item:
                beats.append({"kind": "dialogue", "text": item["text"], "quote": item["quote"], "source": None})
            elif len(beats) < 2:
                beats.append({"kind": "action", "text": "The light moves across the room.", "quote": None,
                              "source": item["sentence"]})
        if lie:
            quoted = next((b for b in beats if b["kind"] == "dialogue"), None)
            if quoted:
                quoted["text"] = "I never said any such thing, and you know it."
            else:
                beats.append({"kind": "dialogue", "text": "Nobody wrote this line.", "quote": "q0", "source": None})
        return json.dumps({"beats": beats})

    def speaker(self, asked: dict) -> str:
        """Who says the marked line: the character a "said <name>" tag in or just after the line names, else one
        named just before it, else unknown."""
        with self.lock:
            if self.strangers:
                self.strangers -= 1
                return json.dumps({"speaker": "c999"})
        before, _, rest = asked["text"].partition("\u27e6")
        inside, _, after = rest.partition("\u27e7")
        names = sorted(((name, c["id"]) for c in asked["characters"] for name in (c["name"], *c["aliases"]) if name),
                       key=lambda pair: -len(pair[0]))
        tagged = (inside + after[:40]).partition("said ")[2]
        for name, character in names:
            if tagged.startswith(name):
                return json.dumps({"speaker": character})
        for name, character in names:
            if name in before[-60:]:
                return json.dumps({"speaker": character})
        return json.dumps({"speaker": "unknown"})
