"""Who may open the chat socket: authentication (session or token) and origin checks."""

from http.cookies import SimpleCookie
from urllib.parse import urlparse

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import validate_host

from chat.tokens import TOKEN_SUBPROTOCOL_PREFIX, socket_token_user


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def origin_allowed(origin: str) -> bool:
    parsed = urlparse(origin)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        return False
    if settings.WEBSOCKET_ALLOWED_ORIGINS:
        return f"{parsed.scheme}://{parsed.netloc}" in settings.WEBSOCKET_ALLOWED_ORIGINS
    # Like Django's own host check: the port is not part of what ALLOWED_HOSTS matches.
    return validate_host(parsed.hostname, settings.ALLOWED_HOSTS)


class SocketAuthMiddleware:
    """Sets scope["user"] from a signed token or from the session cookie.

    The token is offered as the subprotocol `xlate.token.<token>` (beside `xlate`), not in the
    URL, so that access logs and proxies never record it.

    A browser always sends Origin; a foreign one is refused so another site cannot ride on
    the session cookie. A token carries its own proof, so a client without Origin (a mobile
    app) may use one, but a present Origin is checked either way.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.session_app = AuthMiddlewareStack(app)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        origin = _header(scope, b"origin")
        if origin is not None and not origin_allowed(origin):
            return await self._deny(receive, send)
        token = next(
            (
                offered[len(TOKEN_SUBPROTOCOL_PREFIX) :]
                for offered in scope.get("subprotocols", [])
                if offered.startswith(TOKEN_SUBPROTOCOL_PREFIX)
            ),
            None,
        )
        if token:
            user = await database_sync_to_async(socket_token_user)(token)
            return await self.app(dict(scope, user=user or AnonymousUser()), receive, send)
        if origin is None:
            # A cookie without Origin cannot be told apart from a forged cross-site request.
            cookie = SimpleCookie(_header(scope, b"cookie") or "")
            if settings.SESSION_COOKIE_NAME in cookie:
                return await self._deny(receive, send)
        return await self.session_app(scope, receive, send)

    async def _deny(self, receive, send) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 4403})
