"""Errors a client can cause, each with a stable code that the socket sends back."""


class ClientError(Exception):
    """A request the server refuses; nothing was changed. `code` is part of the protocol."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
