"""Who may open the chat socket: authentication (session or token) and origin checks.

A browser always sends Origin with a WebSocket handshake and sends the session cookie whatever
page opened the socket, so the cookie is read only after the Origin was found to be the page's
own (same scheme, host and port) or a trusted one. A client without Origin (an app, a bot)
brings a token instead, and a cookie without Origin is refused.

The handshake is judged by Django's own rules: its scheme and host as request.is_secure() and
request.get_host() see them (SECURE_PROXY_SSL_HEADER, USE_X_FORWARDED_HOST, ALLOWED_HOSTS), its
cookies as django.http.parse_cookie reads them, trusted origins as the CSRF check reads
CSRF_TRUSTED_ORIGINS (WEBSOCKET_ALLOWED_ORIGINS has the same form).
"""

from urllib.parse import urlsplit

from channels.auth import AuthMiddleware
from channels.db import database_sync_to_async
from channels.sessions import SessionMiddleware
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, parse_cookie
from django.utils.http import is_same_domain

from chat.tokens import TOKEN_SUBPROTOCOL_PREFIX, socket_token_user

DEFAULT_PORTS = {"http": 80, "https": 443}


class Handshake(HttpRequest):
    """A WebSocket handshake seen as a Django request: headers in META as Django's ASGI handler
    puts them, the scheme from the ASGI scope (ws: http, wss: https)."""

    def __init__(self, scope: dict) -> None:
        super().__init__()
        self._secure_transport = scope.get("scheme") in {"wss", "https"}
        server = scope.get("server") or ("unknown", None)
        self.META = {"SERVER_NAME": str(server[0]), "SERVER_PORT": str(server[1] or "0")}
        cookies = []
        for name, value in scope.get("headers", []):
            key = name.decode("latin1").upper().replace("-", "_")
            text = value.decode("latin1")
            if key == "COOKIE":
                cookies.append(text)
                continue
            key = f"HTTP_{key}" if key not in {"CONTENT_LENGTH", "CONTENT_TYPE"} else key
            self.META[key] = f"{self.META[key]},{text}" if key in self.META else text
        if cookies:
            self.META["HTTP_COOKIE"] = "; ".join(cookies)
        self.COOKIES = parse_cookie(self.META.get("HTTP_COOKIE", ""))

    def _get_scheme(self) -> str:
        return "https" if self._secure_transport else "http"


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin, the default port filled in; None if not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def origin_allowed(handshake: Handshake) -> bool:
    """Is the handshake's Origin the page's own origin, or a trusted one?"""
    origin = _origin(handshake.META["HTTP_ORIGIN"])
    if origin is None:
        return False
    try:
        own = _origin(f"{handshake.scheme}://{handshake.get_host()}")
    except DisallowedHost:
        own = None
    if origin == own:
        return True
    trusted = [*settings.WEBSOCKET_ALLOWED_ORIGINS, *settings.CSRF_TRUSTED_ORIGINS]
    for allowed in trusted:
        if "*" not in allowed:
            if origin == _origin(allowed):
                return True
            continue
        # "https://*.example.com": that scheme, any subdomain (as Django's CSRF check reads it).
        pattern = urlsplit(allowed)
        netloc = origin[1] if origin[2] == DEFAULT_PORTS[origin[0]] else f"{origin[1]}:{origin[2]}"
        if pattern.scheme == origin[0] and is_same_domain(netloc, pattern.netloc.lstrip("*")):
            return True
    return False


class SocketAuthMiddleware:
    """Sets scope["user"] from a signed token or from the session cookie.

    The token is offered as the subprotocol `xlate.token.<token>` (beside `xlate`), not in the
    URL, so that access logs and proxies never record it. A token carries its own proof, so a
    client without Origin (a mobile app) may use one, but a present Origin is checked either
    way. A refused handshake closes with 4403.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.session_app = SessionMiddleware(AuthMiddleware(app))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        handshake = Handshake(scope)
        has_origin = "HTTP_ORIGIN" in handshake.META
        if has_origin and not origin_allowed(handshake):
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
            # Kept for the socket's life: its authorization is checked again when it may have
            # ended (chat/services/sessions.py).
            scope = dict(scope, user=user or AnonymousUser(), socket_token=token)
            return await self.app(scope, receive, send)
        if not has_origin:
            # A cookie without Origin cannot be told apart from a forged cross-site request,
            # and nothing else reads the cookie: without a token, this is no one.
            if settings.SESSION_COOKIE_NAME in handshake.COOKIES:
                return await self._deny(receive, send)
            return await self.app(dict(scope, user=AnonymousUser()), receive, send)
        # The one cookie parse: channels' session middleware reads scope["cookies"].
        return await self.session_app(dict(scope, cookies=handshake.COOKIES), receive, send)

    async def _deny(self, receive, send) -> None:
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 4403})
