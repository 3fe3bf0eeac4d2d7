"""A stand-in OpenAI-compatible chat-completions endpoint for tests and benches.

Its "translation" is mechanical and deterministic: every Latin word becomes Chinese
characters picked by a hash of the word, punctuation turns full-width, digits and
placeholders (`<x1>`, `</x1>`, `<x2/>`) are kept. That is enough for a real check to pass
or fail: queue a behaviour per request (`plan`) to answer slowly, with 429/500, with
malformed JSON, in the wrong language, truncated, refusing, or losing placeholders.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_HANS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加"
    "量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与"
)
_HANT = "們這說國會來與個對當點從業發動開長門問題經見關東車書買賣時間後學實現體為無"
_PLACEHOLDER = re.compile(r"(</?x\d+/?>)")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f']+")
_PUNCT = str.maketrans({".": "。", ",": "，", ":": "：", ";": "；", "?": "？", "!": "！"})
_TARGET = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)")
_BLOCKS = re.compile(r"<<<ARTICLE_BLOCKS\n(.*)\nARTICLE_BLOCKS>>>", re.DOTALL)


def fake_translate(text: str, target: str = "zh-Hans") -> str:
    """Latin words → Chinese characters (Traditional for zh-Hant), placeholders kept."""
    chars = _HANT if target.lower() in ("zh-hant", "zh-tw", "zh-hk") else _HANS
    out: list[str] = []
    for piece in _PLACEHOLDER.split(text):
        if _PLACEHOLDER.fullmatch(piece):
            out.append(piece)
            continue

        def word(m: re.Match[str]) -> str:
            digest = hashlib.sha256(m[0].lower().encode()).digest()
            n = max(1, round(len(m[0]) / 3))
            return "".join(chars[digest[i] % len(chars)] for i in range(n))

        out.append(_WORD.sub(word, piece).translate(_PUNCT).replace(" ", ""))
    return "".join(out)


@dataclass
class FakeLLM:
    """Behaviours are taken from `plan` one per request; `default` when it is empty.

    Behaviours: "ok", "slow:SECONDS", "status:CODE", "malformed", "wrong_language",
    "truncated" (one block missing), "cut" (the last block cut short), "refusal",
    "lose_placeholder", "commentary".
    """

    default: str = "ok"
    plan: deque[str] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    auth: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def queue(self, *behaviours: str) -> None:
        with self.lock:
            self.plan.extend(behaviours)

    def _next(self) -> str:
        with self.lock:
            return self.plan.popleft() if self.plan else self.default

    @property
    def blocks_sent(self) -> list[list[str]]:
        return [_blocks(r) for r in self.requests]

    def answer(self, body: dict[str, Any], auth: str | None) -> tuple[int, dict[str, Any] | str]:
        with self.lock:
            self.requests.append(body)
            self.auth.append(auth)
        behaviour = self._next()
        if behaviour.startswith("slow:"):
            time.sleep(float(behaviour.split(":", 1)[1]))
            behaviour = "ok"
        if behaviour.startswith("status:"):
            code = int(behaviour.split(":", 1)[1])
            return code, {"error": {"message": "stand-in says no", "code": code}}
        blocks = _blocks(body)
        target = _target(body)
        done = [fake_translate(b, target) for b in blocks]
        content: str
        if behaviour == "malformed":
            content = "Sure! " + json.dumps(done, ensure_ascii=False)[:-2]
        elif behaviour == "wrong_language":
            content = json.dumps(blocks, ensure_ascii=False)
        elif behaviour == "truncated":
            content = json.dumps(done[:-1], ensure_ascii=False)
        elif behaviour == "cut":
            longest = max(range(len(done)), key=lambda i: len(done[i]))
            done[longest] = done[longest][: max(1, len(done[longest]) // 8)]
            content = json.dumps(done, ensure_ascii=False)
        elif behaviour == "refusal":
            content = json.dumps(["抱歉，我无法翻译这段内容。"] * len(blocks), ensure_ascii=False)
        elif behaviour == "lose_placeholder":
            content = json.dumps([_PLACEHOLDER.sub("", d) for d in done], ensure_ascii=False)
        elif behaviour == "commentary":
            done[0] = "以下是翻译：" + done[0]
            content = json.dumps(done, ensure_ascii=False)
        else:
            content = "```json\n" + json.dumps(done, ensure_ascii=False) + "\n```"
        return 200, {
            "id": "standin",
            "object": "chat.completion",
            "model": body.get("model", ""),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }


def _blocks(body: dict[str, Any]) -> list[str]:
    user = next(
        (m["content"] for m in reversed(body.get("messages", [])) if m.get("role") == "user"), ""
    )
    m = _BLOCKS.search(str(user))
    data = json.loads(m[1]) if m else []
    return [str(x) for x in data]


def _target(body: dict[str, Any]) -> str:
    system = next((m["content"] for m in body.get("messages", []) if m.get("role") == "system"), "")
    m = _TARGET.search(str(system))
    return m[1] if m else "zh-Hans"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": "not found"})
            return
        length = int(self.headers.get("content-length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self._send(400, {"error": "bad json"})
            return
        status, payload = self.server.llm.answer(body, self.headers.get("authorization"))
        self._send(status, payload)

    def _send(self, status: int, payload: dict[str, Any] | str) -> None:
        data = (
            payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        ).encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            if status == 429:
                self.send_header("retry-after", "0")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, llm: FakeLLM) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.llm = llm


@contextmanager
def serve_llm(llm: FakeLLM) -> Iterator[str]:
    """Serve `llm` on a free loopback port; yields the base URL (…/v1)."""
    server = _Server(llm)
    thread = threading.Thread(target=server.serve_forever, name="standin-llm", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
