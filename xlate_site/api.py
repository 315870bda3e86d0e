"""The HTTP API: version 1 under /api/v1/, its OpenAPI 3 schema at /api/schema and browsable
docs at /api/docs. Every error has one shape: `{"error": code, "detail": sentence}`."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from chat.api.server import router as server_router
from chat.api.webhooks import router as webhooks_router
from chat.errors import ClientError

# HTTP status of each error code a service raises (anything else is a bad request).
STATUS = {
    "forbidden": 403,
    "not_found": 404,
    "external_id_taken": 409,
    "match_conflict": 409,
    "user_inactive": 409,
}

api = NinjaAPI(
    title="xlate API",
    version="1",
    description="The server API for the host app's backend (see docs/integration.md).",
    urls_namespace="api",
    openapi_url="schema",
    docs_url="docs",
)
api.add_router("/v1/", server_router)
api.add_router("/v1/", webhooks_router)


def _error(request: HttpRequest, status: int, code: str, detail: str) -> HttpResponse:
    return api.create_response(request, {"error": code, "detail": detail}, status=status)


@api.exception_handler(ClientError)
def _client_error(request: HttpRequest, error: ClientError) -> HttpResponse:
    return _error(request, STATUS.get(error.code, 400), error.code, error.detail)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthorized", "send a valid key: Authorization: Bearer xk_...")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    first = error.errors[0] if error.errors else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    return _error(request, 422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return _error(request, error.status_code, "invalid_request", str(error))
