"""Who may call the API: the host app's backend with an API key of the right scope."""

from django.http import HttpRequest
from ninja.security.http import HttpAuthBase

from chat.errors import ClientError
from chat.models import ApiKey
from chat.services.api_keys import api_key_check


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
