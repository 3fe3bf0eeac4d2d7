"""The I/O part: one chat-completions request to any OpenAI-compatible endpoint
(OpenAI, vLLM, llama.cpp's server, Ollama), with its failures sorted into kinds."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from bot.llm_endpoint import endpoint, key_allowed
from bot.translate.checks import CheckError


@dataclass(frozen=True, slots=True)
class EngineConfig:
    url: str
    model: str
    api_key: str | None = None
    timeout: float = 60.0
    concurrency: int = 2
    name: str | None = None  # the footer credit; the model's id when unset
    context_chars: int = 6000  # source characters per request

    @property
    def display_name(self) -> str:
        return self.name or self.model

    def __post_init__(self) -> None:
        check_key_transport(self.url, self.api_key)


class TransientError(Exception):
    """The endpoint is busy or unreachable (429, 5xx, timeout): try again later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def check_key_transport(url: str, api_key: str | None) -> None:
    """An API key travels only over https, or to this machine: ValueError otherwise."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    if api_key and not key_allowed(url):
        raise ValueError("an API key is sent only over https:// or to a loopback address")


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None


async def complete(http: httpx.AsyncClient, config: EngineConfig, request: dict[str, Any]) -> str:
    """The assistant's text. TransientError for what may pass, CheckError for a bad body."""
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    try:
        async with asyncio.timeout(config.timeout):
            response = await http.post(
                endpoint(config.url), json=request, headers=headers, timeout=config.timeout
            )
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise TransientError(f"timed out after {config.timeout:g}s") from exc
    except httpx.HTTPError as exc:
        raise TransientError(f"request failed: {type(exc).__name__}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientError(f"HTTP {response.status_code}", _retry_after(response))
    if response.status_code != 200:
        raise CheckError(f"HTTP {response.status_code} from the endpoint")
    try:
        payload = response.json()
        content = payload["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise CheckError("the response has no choices[0].message.content") from None
    if not isinstance(content, str) or not content.strip():
        raise CheckError("empty answer")
    if payload["choices"][0].get("finish_reason") == "length":
        raise CheckError("the answer was cut off (finish_reason=length)")
    return content
