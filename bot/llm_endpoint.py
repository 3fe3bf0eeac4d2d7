"""Where an OpenAI-compatible endpoint lives, and whether an API key may travel there.

Shared by the summary path (bot/analysis/llm.py) and translation (bot/translate/client.py),
so both accept the same URLs and refuse the same plain-http hosts. No heavy imports: the
settings check loads it at start-up.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def endpoint(url: str) -> str:
    """Accept a base URL (…/v1) or the full chat-completions URL."""
    base = url.rstrip("/")
    return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


def is_loopback(host: str) -> bool:
    """localhost, 127.0.0.0/8 or ::1: traffic that never leaves the machine."""
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def key_allowed(url: str) -> bool:
    """May an API key be sent to `url`? Only over https, or plain http to loopback."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme == "https" or (scheme == "http" and is_loopback(parts.hostname or ""))
