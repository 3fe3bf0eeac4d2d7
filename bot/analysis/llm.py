"""Optional LLM summaries through any OpenAI-compatible chat-completions endpoint.

The extractive summary is always the safety net: any failure (timeout, HTTP
error, malformed or empty answer) falls back to it with a warning that never
includes the API key.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from bot.analysis.sentences import split_paragraph
from bot.analysis.summary import EXTRACTIVE_NAME, Summary, extractive_summary, join_sentences
from bot.analysis.text import body_text, detect_language

log = logging.getLogger(__name__)

LLM_VERSION = "llm-v1"
MAX_INPUT_CHARS = 12_000  # keeps prompts (and cost) bounded for very long articles
MAX_ANSWER_CHARS = 3_500  # an answer must still fit one Telegram message

_PROMPTS = {
    "zh": (
        "你是新闻编辑。请用简体中文为下面的文章写一段 3 到 5 句的摘要,"
        "只陈述文章中的事实,不要加标题、前言或评论。"
    ),
    "en": (
        "You are a news editor. Summarise the article below in 3 to 5 sentences of plain "
        "English, stating only facts from the article, with no title, preamble or comment."
    ),
}


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    api_key: str | None = None
    timeout: float = 20.0


class LLMError(Exception):
    """The endpoint gave no usable summary; the message is safe to log."""


def summarizer_name(llm: LLMConfig | None) -> str:
    """Cache key for summaries made with this configuration."""
    return f"{LLM_VERSION}:{llm.model}" if llm else EXTRACTIVE_NAME


def endpoint(url: str) -> str:
    """Accept a base URL (…/v1) or the full chat-completions URL."""
    base = url.rstrip("/")
    return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


def build_request(text: str, language: str, model: str) -> dict[str, Any]:
    article = body_text(text) or text
    return {
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": _PROMPTS.get(language, _PROMPTS["en"])},
            {"role": "user", "content": article[:MAX_INPUT_CHARS]},
        ],
    }


def parse_answer(payload: object) -> str:
    """The assistant's text from a chat-completions response body."""
    try:
        content = payload["choices"][0]["message"]["content"]  # type: ignore[index]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError("response has no choices[0].message.content") from exc
    if not isinstance(content, str) or not content.strip():
        raise LLMError("empty answer")
    return content.strip()


async def llm_summary(text: str, language: str, llm: LLMConfig, http: httpx.AsyncClient) -> Summary:
    """Ask the endpoint for a summary; raises LLMError on anything unusable."""
    headers = {"Authorization": f"Bearer {llm.api_key}"} if llm.api_key else {}
    try:
        async with asyncio.timeout(llm.timeout):
            response = await http.post(
                endpoint(llm.url),
                json=build_request(text, language, llm.model),
                headers=headers,
                timeout=llm.timeout,
            )
    except (TimeoutError, httpx.TimeoutException) as exc:
        raise LLMError(f"timed out after {llm.timeout:g}s") from exc
    except httpx.HTTPError as exc:
        raise LLMError(f"request failed: {type(exc).__name__}") from exc
    if response.status_code != 200:
        raise LLMError(f"HTTP {response.status_code}")
    try:
        payload = response.json()
    except ValueError as exc:
        raise LLMError("response is not JSON") from exc
    answer = parse_answer(payload)[:MAX_ANSWER_CHARS]
    sentences = [s for line in answer.splitlines() for s in split_paragraph(line.strip())]
    return Summary(join_sentences(sentences, language), sentences, summarizer_name(llm))


async def summarize(
    text: str,
    language: str | None,
    *,
    llm: LLMConfig | None,
    http: httpx.AsyncClient | None,
) -> Summary:
    """LLM summary when configured, else (or on any failure) the extractive one."""
    lang = detect_language(text, language)
    if llm is not None and http is not None:
        try:
            return await llm_summary(text, lang, llm, http)
        except LLMError as exc:
            log.warning("LLM summary via model %s failed (%s); using extractive", llm.model, exc)
    elif llm is not None:
        log.warning("LLM summary configured but no HTTP client given; using extractive")
    return extractive_summary(text, lang)
