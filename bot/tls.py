"""The TLS context every HTTP client of the bot shares.

httpx builds a fresh context per client by default, and each one holds OpenSSL's own copy
of the CA bundle (~1 MiB of RSS); a running bot keeps four or five clients (feeds, guarded
feeds, the Bot API and its getUpdates). The context is httpx's default one, built once;
an SSLContext is safe to share between clients and connections.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def shared_tls_context(*, trust_env: bool = True) -> ssl.SSLContext:
    """httpx's default context (`verify=True`); with `trust_env`, SSL_CERT_FILE/DIR apply."""
    return httpx.create_ssl_context(trust_env=trust_env)
