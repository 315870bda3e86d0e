"""Who may call the API: the host app's backend with an API key of the right scope (the
server API), or a user with a user token or their session (the client API)."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.security.apikey import APIKeyCookie
from ninja.security.http import HttpAuthBase
from ninja.utils import check_csrf

from chat.errors import ClientError
from chat.models import ApiKey
from chat.services.api_keys import api_key_check
from chat.tokens import socket_token_user

API_KEY_PREFIX = "xk_"


class ApiKeyBearer(HttpAuthBase):
    """`Authorization: Bearer xk_…`, with `scope` among the key's scopes.

    Unlike ninja's HttpBearer it never logs the header: a key sent the wrong way is still a key.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> ApiKey | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        key = api_key_check(token.strip())
        if key is None:
            return None
        if self.scope not in key.scopes:
            raise ClientError("forbidden", f"this key lacks the {self.scope!r} scope")
        return key


USERS = ApiKeyBearer(ApiKey.Scope.USERS)
CONVERSATIONS = ApiKeyBearer(ApiKey.Scope.CONVERSATIONS)
TOKENS = ApiKeyBearer(ApiKey.Scope.TOKENS)
WEBHOOKS = ApiKeyBearer(ApiKey.Scope.WEBHOOKS)


def _bearer(request: HttpRequest) -> str | None:
    """The credential of an `Authorization: Bearer …` header; "" for any other header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, credential = header.partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""


class UserBearer(HttpAuthBase):
    """`Authorization: Bearer <user token>` (chat/tokens.py). An API key is not a user."""

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> AbstractBaseUser | None:
        token = _bearer(request)
        if not token or token.startswith(API_KEY_PREFIX):
            return None
        return socket_token_user(token)


class UserSession(APIKeyCookie):
    """The Django session of the web client, with the CSRF token on every request that changes
    something. Not consulted when an Authorization header is sent: that header decides."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> AbstractBaseUser | None:
        if _bearer(request) is not None or not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise ClientError("forbidden", "send the CSRF token in X-CSRFToken")
        return request.user


# Either credential; a request with neither is 401.
USER = [UserBearer(), UserSession()]
# Only a token (trading one for a session).
USER_TOKEN = UserBearer()
