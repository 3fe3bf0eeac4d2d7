"""What the fake answers instead of a result: an API error, or a transport failure."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error reply: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class TransportFailure(Exception):
    """No answer at all: `kind` is "timeout" or "network" (connection dropped)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind
