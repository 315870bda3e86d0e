"""The HTTP API: version 1 under /api/v1/, its OpenAPI 3 schema at /api/schema and browsable
docs at /api/docs. Every error has one shape: `{"error": code, "detail": sentence}`, plus what
a client needs to act on some (`retry_after` seconds, `until`, `limit`)."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from chat.api.client import router as client_router
from chat.api.server import router as server_router
from chat.api.webhooks import router as webhooks_router
from chat.errors import ClientError

# HTTP status of each error code a service raises (anything else is a bad request).
STATUS = {
    "unsupported_language": 400,
    "forbidden": 403,
    "blocked": 403,
    "directory_off": 403,
    "edit_window_closed": 403,
    "muted": 403,
    "banned": 403,
    "not_found": 404,
    "not_your_message": 404,
    "external_id_taken": 409,
    "match_conflict": 409,
    "already_appealed": 409,
    "user_inactive": 409,
    "conversation_closed": 409,
    "message_deleted": 409,
    "unchanged": 409,
    "rate_limited": 429,
}
# The socket tells "not a member" apart from other misses; over HTTP a conversation one may
# not see and one that does not exist are the same `404 not_found` (docs/client-api.md).
SAME_AS = {"not_a_member": "not_found"}

api = NinjaAPI(
    title="xlate API",
    version="1",
    description="The server API for the host app's backend (docs/integration.md) and the "
    "client API for a chat client's user (docs/client-api.md).",
    urls_namespace="api",
    openapi_url="schema",
    docs_url="docs",
)
api.add_router("/v1/", server_router)
api.add_router("/v1/", webhooks_router)
api.add_router("/v1/", client_router)


def _error(
    request: HttpRequest, status: int, code: str, detail: str, **context: object
) -> HttpResponse:
    body = {"error": code, "detail": detail, **context}
    return api.create_response(request, body, status=status)


@api.exception_handler(ClientError)
def _client_error(request: HttpRequest, error: ClientError) -> HttpResponse:
    code = SAME_AS.get(error.code, error.code)
    response = _error(request, STATUS.get(code, 400), code, error.detail, **error.context)
    if "retry_after" in error.context:
        response["Retry-After"] = str(error.context["retry_after"])
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "unauthorized",
        "send valid credentials: Authorization: Bearer xk_... (an API key) for the server API; "
        "a user token, or the session, for the client API",
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    first = error.errors[0] if error.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    return _error(request, 422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return _error(request, error.status_code, "invalid_request", str(error))
