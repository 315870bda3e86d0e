"""HTTP views: the demo chat page, the socket token endpoint and a health check."""

import json

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST

from chat import ratelimit
from chat.errors import ClientError
from chat.models import Profile
from chat.services.profiles import profile_bio_translated, profile_bio_update, profile_ensure
from chat.services.sessions import session_end
from chat.tokens import socket_token_issue
from moderation.services import check_report_submit


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
def profile_bio(request: HttpRequest, username: str) -> JsonResponse:
    """A member's bio, with its translation into the viewer's language (`?lang=` overrides)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login_required", "detail": "log in first"}, status=401)
    language = request.GET.get("lang") or profile_ensure(user=request.user).language
    if language not in settings.SUPPORTED_LANGUAGES:
        return JsonResponse(
            {"error": "unsupported_language", "detail": "lang is not a supported language"},
            status=400,
        )
    result = profile_bio_translated(username=username, language=language)
    if result is None:
        return JsonResponse({"error": "not_found", "detail": "no such user"}, status=404)
    return JsonResponse(result)


@require_POST
def profile_bio_edit(request: HttpRequest) -> JsonResponse:
    """Replace the logged-in user's bio (JSON {"bio": "..."}; the CSRF token is required)."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login_required", "detail": "log in first"}, status=401)
    try:
        bio = json.loads(request.body or b"{}")["bio"]
        if not isinstance(bio, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "invalid_request", "detail": "send JSON with bio"}, 400)
    try:
        profile = profile_bio_update(user=request.user, bio=bio)
    except ClientError as error:
        return JsonResponse({"error": error.code, "detail": error.detail}, status=400)
    return JsonResponse({"bio": profile.bio, "bio_version": profile.bio_version})


@require_POST
def report_create(request: HttpRequest) -> JsonResponse:
    """Report a message or a member: JSON {conversation, message | user, reason, comment}."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": "login_required", "detail": "log in first"}, status=401)
    try:
        body = json.loads(request.body or b"{}")
        fields = {
            "conversation_id": body["conversation"],
            "reason": body["reason"],
            "comment": body.get("comment", ""),
            "message_id": body.get("message"),
            "reported_user_id": body.get("user"),
        }
        ids = [fields["conversation_id"], fields["message_id"], fields["reported_user_id"]]
        if not all(i is None or (isinstance(i, int) and not isinstance(i, bool)) for i in ids):
            raise TypeError
        if not isinstance(fields["reason"], str) or not isinstance(fields["comment"], str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse(
            {"error": "invalid_request", "detail": "send JSON with conversation and reason"}, 400
        )
    try:
        report = check_report_submit(reporter=request.user, **fields)
    except ClientError as error:
        status = 404 if error.code in {"not_a_member", "not_found"} else 400
        return JsonResponse({"error": error.code, "detail": error.detail}, status=status)
    return JsonResponse({"id": report.pk, "case": report.case_id}, status=201)


class LogoutView(auth_views.LogoutView):
    """Django's logout, which also closes the sockets this browser session opened (a socket
    outliving its session would keep reading the user's conversations)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user_id, key = request.user.pk, request.session.session_key
        response = super().post(request, *args, **kwargs)
        if user_id is not None and key:
            session_end(user_id=user_id, session_key=key)
        return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})
