"""OpenAI-compatible chat completions (`POST {base_url}/chat/completions`): a local Ollama, llama.cpp server,
vLLM or LM Studio, or a hosted service. The adaptation's LLM adapter writes screenplay scenes through it.

The key (optional: local servers need none) comes from FILMSOFONE_CHAT_API_KEY or the key file
(`filmsofone keys set openai-chat`) and travels only to `base_url`'s origin. A 429 waits its Retry-After.
A completion from a local server (a loopback `base_url`) costs nothing, so it is sent as a READ step: a
timeout, a 5xx or a body that is not JSON is retried with backoff. A hosted completion may be billed, so it
is a CREATE (docs/contracts.md): an unknown outcome is reported, never sent again without the user's word
(`paid=false` says a hosted server is free).
"""

from __future__ import annotations

import ipaddress
from typing import ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel

from .base import Backend, BackendOptions
from .transport import Contract, Step, Transport, pick

DEFAULT_BASE_URL = "http://localhost:11434/v1"  # Ollama's OpenAI-compatible endpoint


class ChatOptions(BackendOptions):
    base_url: str = DEFAULT_BASE_URL
    model: str = "llama3.1"
    temperature: float = 0.2
    max_tokens: int = 4096
    json_mode: bool = True  # ask for `response_format: {"type": "json_object"}`
    price_per_million_input: float = 0.0  # USD per million prompt tokens (0: a local model)
    price_per_million_output: float = 0.0
    paid: bool | None = None  # None: paid unless base_url is a loopback host (a local server)


class ChatAnswer(BaseModel):
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class OpenAIChat(Backend):
    name = "openai-chat"
    kind = "chat"
    description = "OpenAI-compatible chat completions (Ollama, llama.cpp, vLLM, LM Studio or hosted)"
    needs_key = False
    key_env_var = "FILMSOFONE_CHAT_API_KEY"
    Options = ChatOptions
    contract: ClassVar[Contract] = Contract("openai-chat", timeout=300.0)
    retry_base = 1.0
    retry_cap = 20.0

    def is_paid(self) -> bool:
        """Whether a completion may be billed: then an unknown outcome is never resent."""
        if self.options.paid is not None:
            return self.options.paid
        host = urlsplit(self.options.base_url).hostname or ""
        try:
            return not ipaddress.ip_address(host).is_loopback
        except ValueError:
            return host != "localhost"

    def base_url(self) -> str:
        """With a trailing slash, so 'chat/completions' joins under the version path ('/v1/')."""
        return self.options.base_url.rstrip("/") + "/"

    async def complete(self, client: Transport, messages: list[dict]) -> ChatAnswer:
        """One completion of `messages`; the first choice's text and the token counts."""
        body = {"model": self.options.model, "messages": messages, "temperature": self.options.temperature,
                "max_tokens": self.options.max_tokens, "stream": False}
        if self.options.json_mode:
            body["response_format"] = {"type": "json_object"}
        step = Step.CREATE if self.is_paid() else Step.READ
        data = await client.json(step, "POST", "chat/completions", json=body)
        text = pick(data, "choices", 0, "message", "content", contract=self.contract, step=step)
        usage = data.get("usage") or {}
        return ChatAnswer(text=str(text or ""), prompt_tokens=int(usage.get("prompt_tokens") or 0),
                          completion_tokens=int(usage.get("completion_tokens") or 0))

    def price(self, prompt_tokens: int, completion_tokens: int) -> float:
        """Estimated USD for that many tokens."""
        return (prompt_tokens * self.options.price_per_million_input
                + completion_tokens * self.options.price_per_million_output) / 1_000_000
