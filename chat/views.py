"""HTTP views: the demo chat page, the socket token endpoint and a health check."""

import json

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from chat.login import LoginThrottled, password_attempt
from chat.models import Profile
from chat.services.profiles import profile_ensure
from chat.services.sessions import logout_sockets_end
from chat.tokens import socket_token_issue


@login_required
@require_GET
@ensure_csrf_cookie  # the client API wants the token in X-CSRFToken, read from this cookie
def index(request: HttpRequest) -> HttpResponse:
    """The web client. It loads everything else from the client API and the socket; the page
    carries only what the script needs before its first request."""
    profile_ensure(user=request.user)
    return render(
        request,
        "chat/index.html",
        {
            "client_config": {
                "userId": request.user.pk,
                "username": request.user.get_username(),
                "languages": settings.SUPPORTED_LANGUAGES,
                "interfaceLanguages": [[code, name] for code, name in settings.LANGUAGES],
                "maxChars": settings.CHAT_MAX_MESSAGE_CHARS,
                "bioMaxChars": Profile._meta.get_field("bio").max_length,
                "editWindow": settings.CHAT_EDIT_WINDOW,
                "csrfCookie": settings.CSRF_COOKIE_NAME,
                "api": "/api/v1/",
                "socket": "/ws/chat/",
                "loginUrl": f"{resolve_url(settings.LOGIN_URL)}?next={reverse('chat:index')}",
            },
        },
    )


@csrf_exempt  # credentials in the body, no cookie is trusted, so there is nothing to forge
@require_POST
def socket_token(request: HttpRequest) -> JsonResponse:
    """Exchange a username and password for a short-lived socket token (non-browser clients)."""
    try:
        body = json.loads(request.body or b"{}")
        username, password = body["username"], body["password"]
        if not isinstance(username, str) or not isinstance(password, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": "invalid_request", "detail": "send JSON with username and password"},
            status=400,
        )
    try:
        user = password_attempt(request, username=username, password=password)
    except LoginThrottled as refusal:
        response = JsonResponse(
            {
                "error": "rate_limited",
                "detail": f"too many attempts; try again in {refusal.retry_after} s",
                "retry_after": refusal.retry_after,
            },
            status=429,
        )
        response["Retry-After"] = str(refusal.retry_after)
        return response
    if user is None:
        return JsonResponse(
            {"error": "invalid_credentials", "detail": "wrong username or password"}, status=401
        )
    return JsonResponse(
        {"token": socket_token_issue(user=user), "expires_in": settings.SOCKET_TOKEN_MAX_AGE}
    )


class LogoutView(auth_views.LogoutView):
    """Django's logout, which also ends the user's socket tokens and closes the sockets this
    session or a token opened (a socket outliving its session would keep reading the user's
    conversations); the user's other browser sessions stay."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user_id = request.user.pk
        response = super().post(request, *args, **kwargs)
        if user_id is not None:
            logout_sockets_end(user_id=user_id)
        return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})
