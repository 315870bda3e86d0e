"""HTTP views: the demo chat page, the socket token endpoint and a health check."""

import json

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from chat import ratelimit, selectors
from chat.services import profile_ensure
from chat.tokens import socket_token_issue


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    profile = profile_ensure(user=request.user)
    conversations = []
    for conversation in selectors.conversations_for_user(user=request.user):
        others = [p.user for p in conversation.participants.all() if p.user_id != request.user.pk]
        mine = next(p for p in conversation.participants.all() if p.user_id == request.user.pk)
        conversations.append(
            {
                "id": conversation.pk,
                "title": conversation.title or ", ".join(u.get_username() for u in others),
                "translate": mine.translate,
                "language": mine.language or profile.language,
            }
        )
    return render(
        request,
        "chat/index.html",
        {
            "profile": profile,
            "conversations": conversations,
            "client_config": {
                "userId": request.user.pk,
                "username": request.user.get_username(),
                "languages": settings.SUPPORTED_LANGUAGES,
                "maxChars": settings.CHAT_MAX_MESSAGE_CHARS,
                "conversations": conversations,
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
    if not ratelimit.hit("login", username.lower()[:150], rate=settings.LOGIN_RATE_LIMIT):
        return JsonResponse({"error": "rate_limited", "detail": "too many attempts"}, status=429)
    user = authenticate(request, username=username, password=password)
    if user is None:
        return JsonResponse(
            {"error": "invalid_credentials", "detail": "wrong username or password"}, status=401
        )
    return JsonResponse(
        {"token": socket_token_issue(user=user), "expires_in": settings.SOCKET_TOKEN_MAX_AGE}
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})
