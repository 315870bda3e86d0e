"""Who may open the socket with a browser session: a page of the site's own origin (scheme, host
and port) or a trusted one. A session cookie without Origin is refused however it is written,
and a malformed cookie is a refusal, never a server error."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from chat.tokens import socket_token_issue
from tests.chat.socket_client import token_subprotocols
from xlate_site.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

SITE = "chat.example.com"


@pytest.fixture(autouse=True)
def site(settings):
    settings.ALLOWED_HOSTS = [SITE, "localhost"]
    settings.WEBSOCKET_ALLOWED_ORIGINS = []
    settings.CSRF_TRUSTED_ORIGINS = []
    settings.SECURE_PROXY_SSL_HEADER = None


@pytest.fixture
def olga(make_user):
    return make_user(username="olga")


@pytest.fixture
def session(olga) -> str:
    client = Client()
    client.force_login(olga)
    return client.cookies["sessionid"].value


async def handshake(
    *,
    origin: str | None = None,
    cookie: str | bytes | None = None,
    host: str | None = SITE,
    scheme: str = "wss",
    subprotocols: list[str] | None = None,
    headers: tuple = (),
) -> tuple[bool, object]:
    """Open and close a socket as a server would hand it over: (accepted, subprotocol or close
    code)."""
    sent = [(b"host", host.encode())] if host else []
    if origin is not None:
        sent.append((b"origin", origin.encode()))
    if cookie is not None:
        sent.append((b"cookie", cookie if isinstance(cookie, bytes) else cookie.encode()))
    sent.extend(headers)

    async def server(scope, receive, send):
        await application(dict(scope, scheme=scheme), receive, send)

    socket = WebsocketCommunicator(server, "/ws/chat/", headers=sent, subprotocols=subprotocols)
    try:
        return await socket.connect(timeout=5)
    finally:
        await socket.disconnect()


async def test_a_session_cookie_without_origin_is_refused_however_it_is_written(session):
    for cookie in (
        f"sessionid={session}",
        f"x=1;; sessionid={session}",
        f"x=1; ; sessionid={session}",
        f"{{bad}}=1; sessionid={session}",
        f'a="b; sessionid={session}',
        f"sessionid={session}; sessionid={session}",
    ):
        assert await handshake(cookie=cookie) == (False, 4403), cookie


async def test_the_same_cookies_open_the_socket_from_the_sites_own_page(session):
    """Whatever the cookie parser reads without Origin it reads with one: Django's."""
    for cookie in (f"x=1;; sessionid={session}", f"{{bad}}=1; sessionid={session}"):
        assert await handshake(origin=f"https://{SITE}", cookie=cookie) == (True, None), cookie


async def test_a_malformed_cookie_is_a_clean_refusal_not_a_server_error():
    for cookie in ("{bad}=1", "{bad}", ";;;", "=", b"\xff\xfe=\x00", 'a="unterminated'):
        assert await handshake(cookie=cookie) == (False, 4401), cookie
        assert await handshake(origin=f"https://{SITE}", cookie=cookie) == (False, 4401), cookie


async def test_the_sites_own_origin_is_accepted_with_its_scheme_and_port(session):
    cookie = f"sessionid={session}"

    assert await handshake(origin=f"https://{SITE}", cookie=cookie) == (True, None)
    assert await handshake(origin=f"https://{SITE}:443", cookie=cookie) == (True, None)
    local = {"host": "localhost:8000", "scheme": "ws", "cookie": cookie}
    assert await handshake(origin="http://localhost:8000", **local) == (True, None)


async def test_another_scheme_or_port_of_the_same_host_is_refused(session):
    cookie = f"sessionid={session}"
    local = {"host": "localhost:8000", "scheme": "ws", "cookie": cookie}

    assert await handshake(origin=f"http://{SITE}", cookie=cookie) == (False, 4403)
    assert await handshake(origin=f"https://{SITE}:8443", cookie=cookie) == (False, 4403)
    assert await handshake(origin="http://localhost:3000", **local) == (False, 4403)
    assert await handshake(origin="http://localhost", **local) == (False, 4403)
    assert await handshake(origin="https://localhost:8000", **local) == (False, 4403)


async def test_origins_that_are_no_origin_at_all_are_refused(session):
    cookie = f"sessionid={session}"
    for origin in ("null", "", f"https://{SITE}/path", f"ftp://{SITE}", f"https://{SITE},x"):
        assert await handshake(origin=origin, cookie=cookie) == (False, 4403), origin


async def test_a_host_the_site_does_not_serve_has_no_origin_of_its_own(session):
    """DNS rebinding: a page of evil.example whose name points at this server."""
    cookie = f"sessionid={session}"
    evil = {"host": "evil.example", "origin": "https://evil.example", "cookie": cookie}

    assert await handshake(**evil) == (False, 4403)
    assert await handshake(origin=f"https://{SITE}", cookie=cookie, host=None) == (False, 4403)


async def test_trusted_origins_open_the_socket_with_their_scheme_only(session, settings):
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["https://app.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.org"]
    cookie = f"sessionid={session}"

    assert await handshake(origin="https://app.example.com", cookie=cookie) == (True, None)
    assert await handshake(origin="https://m.example.org", cookie=cookie) == (True, None)
    assert await handshake(origin="http://app.example.com", cookie=cookie) == (False, 4403)
    assert await handshake(origin="http://m.example.org", cookie=cookie) == (False, 4403)
    assert await handshake(origin="https://app.example.com:444", cookie=cookie) == (False, 4403)


async def test_behind_a_tls_proxy_the_forwarded_scheme_counts_only_when_trusted(session, settings):
    """The proxy ends TLS and speaks plain ws to the app; X-Forwarded-Proto says https."""
    behind = {
        "origin": f"https://{SITE}",
        "cookie": f"sessionid={session}",
        "scheme": "ws",
        "headers": ((b"x-forwarded-proto", b"https"),),
    }

    assert await handshake(**behind) == (False, 4403)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert await handshake(**behind) == (True, None)
    assert await handshake(**{**behind, "headers": ()}) == (False, 4403)


async def test_a_token_needs_no_origin_but_a_present_one_is_checked(olga):
    token = await database_sync_to_async(socket_token_issue)(user=olga)
    offered = token_subprotocols(token)

    assert await handshake(subprotocols=offered) == (True, "xlate")
    assert await handshake(subprotocols=offered, origin=f"https://{SITE}") == (True, "xlate")
    assert await handshake(subprotocols=offered, origin="https://evil.example") == (False, 4403)
