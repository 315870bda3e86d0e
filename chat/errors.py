"""Errors a client can cause, each with a stable code that the socket sends back."""

from typing import Any


class ClientError(Exception):
    """A request the server refuses; nothing was changed. `code` is part of the protocol;
    `context` carries what a client needs to act on it (`retry_after` seconds, `until`)."""

    def __init__(self, code: str, detail: str, **context: Any) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.context = context
