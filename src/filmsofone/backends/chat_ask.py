"""Asking a chat backend (`openai-chat`) for JSON that must pass a check, as the LLM stages do.

`ask_checked` sends the messages (retried on the wire as the backend's policy says: a paid completion of
unknown outcome is never resent), hands the answer's text to a check, and when the check refuses it asks again
once with the reasons; a second refusal, or a model that cannot be reached, gives no value and why. `AnswerCache`
keeps accepted answers under the hash of what was asked (`messages_key`), so a second run, or one resumed after
an interruption, asks only what it has not asked yet. `reach` checks the server is there before the first question; `prompt_tokens` estimates a prompt's size before sending;
an `Estimate` is what a stage shows (and may refuse) before anything is sent.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..errors import ServerUnreachable
from .transport import BackendFailure, GaveUp, RetryPolicy, Step, Unreachable, WaitCallback, with_retries

CHARS_PER_TOKEN = 4  # a rough size of a token in English prose and JSON
REACH_TIMEOUT = 10.0  # seconds the server check waits (a slow answer is no reason to stop: the run goes on)
T = TypeVar("T")
Check = Callable[[str], tuple["T | None", list[str]]]  # the answer's text -> (value, reasons it is refused)


@dataclass
class Estimate:
    """What a run would ask, before anything is sent: the asks to send (scenes, lines; the cached ones are not
    sent), about how many tokens, and the price in USD (0 when free)."""

    asks: int  # to send (not cached)
    cached: int
    prompt_tokens: int
    completion_tokens: int
    usd: float


def messages_key(messages: list[dict]) -> str:
    """The hash that names an ask in the cache (the model's name is part of the messages)."""
    return hashlib.sha256(json.dumps(messages, sort_keys=True).encode("utf-8")).hexdigest()


def prompt_tokens(messages: list[dict]) -> int:
    """About how many tokens the messages take (their JSON's characters / 4)."""
    return len(json.dumps(messages, ensure_ascii=False)) // CHARS_PER_TOKEN


def strip_fences(answer: str) -> str:
    """The answer without a Markdown code fence around it (```json ... ```), which many models add."""
    return re.sub(r"^```(?:json)?\s*|\s*```\s*$", "", answer.strip())


class AnswerCache:
    """Accepted answers as JSON files named by `messages_key`, written atomically."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str) -> Any | None:
        """The cached value, or None (not cached, or unreadable: asked again)."""
        path = self.path(key)
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None

    def put(self, key: str, value: Any) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path(key)
        pending = path.with_name(path.name + ".tmp")
        pending.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        pending.replace(path)


def _stop_if_unreachable(backend, failure: BackendFailure) -> None:
    """A server that never answered (refused, DNS, TLS) stops the run: every other question would fail the same way."""
    last = failure.last if isinstance(failure, GaveUp) else failure
    if isinstance(last, Unreachable):
        raise ServerUnreachable(f"{backend.name}: cannot reach {last.host} ({last.reason}); nothing was sent",
                           "start the chat server (e.g. `ollama serve`), or give its address with "
                           "--option base_url=...") from failure


async def reach(client, backend) -> None:
    """Stop at once with one line when the chat server cannot be reached, before a run's first question (its
    retries would print a wait per try): one GET of the model list (`models` under base_url, as OpenAI-compatible
    servers serve it; free), never retried. Any answer, an error status included, shows a server is there."""
    try:
        await client.send(Step.READ, "GET", "models", timeout=REACH_TIMEOUT)
    except BackendFailure as exc:
        _stop_if_unreachable(backend, exc)


def check_reachable(backend) -> None:
    """`reach` on its own, before a run that will send (its estimate not yet printed): a server that is not
    there is then the one line the user sees."""

    async def probe() -> None:
        async with backend.client() as client:
            await reach(client, backend)

    asyncio.run(probe())


async def ask_checked(client, backend, messages: list[dict], check: Check, *, policy: RetryPolicy, what: str,
                      again: str, on_wait: WaitCallback | None = None) -> tuple[Any | None, str | None]:
    """The checked value of the model's answer to `messages`, or None and why (failed, or refused twice); a
    server that cannot be reached at all raises ServerUnreachable (a BackendError).

    A refused answer is asked again once: the refused answer and "Your answer was refused: <reasons>. <again>"
    are added to the messages."""
    sent = list(messages)
    problems: list[str] = []
    for _ in range(2):
        try:
            answer = await with_retries(lambda m=sent: backend.complete(client, m), policy=policy, what=what,
                                        on_wait=on_wait)
        except BackendFailure as exc:
            _stop_if_unreachable(backend, exc)
            return None, f"the model could not be reached ({exc})"
        value, problems = check(answer.text)
        if not problems:
            return value, None
        sent = [*messages, {"role": "assistant", "content": answer.text},
                {"role": "user", "content": "Your answer was refused: " + "; ".join(problems[:8]) + ". " + again}]
    return None, "; ".join(problems[:3])
