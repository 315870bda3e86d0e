"""The server API: what the host app's backend calls, with an API key (docs/integration.md).

Thin: parse, call one service, shape the answer. Errors are ClientErrors, turned into
`{"error", "detail"}` with an HTTP status by xlate_site/api.py.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja import Path, Router, Status

from chat.api import auth
from chat.api.schemas import Error, MatchIn, MatchOut, TokenOut, UserIn, UserOut
from chat.errors import ClientError
from chat.models import Conversation, Profile
from chat.services import hosts
from chat.tokens import SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX, socket_token_issue

router = Router(tags=["server"])

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error}
ExternalId = Path(..., pattern=f"^{hosts.EXTERNAL_ID.pattern}$", description="the host's id")


def _user(profile: Profile) -> UserOut:
    user = profile.user
    return UserOut(
        external_id=profile.external_id,
        id=user.pk,
        display_name=user.first_name,
        language=profile.language,
        country=profile.country,
        bio=profile.bio,
        avatar_url=profile.avatar_url,
        active=user.is_active,
    )


def _match(conversation: Conversation) -> MatchOut:
    users = Profile.objects.filter(user__participations__conversation=conversation)
    return MatchOut(
        match_id=conversation.external_id,
        conversation=conversation.pk,
        users=sorted(users.values_list("external_id", flat=True)),
        closed=conversation.closed_at is not None,
        closed_at=conversation.closed_at,
        created_at=conversation.created_at,
    )


@router.put(
    "/users/{external_id}", auth=auth.USERS, response={200: UserOut, 201: UserOut, **ERRORS}
)
def user_upsert(request: HttpRequest, body: UserIn, external_id: str = ExternalId):
    """Create or update a user of the host app, by the host's own id (no password)."""
    _, created = hosts.host_user_upsert(external_id=external_id, **body.dict())
    return Status(201 if created else 200, _user(hosts.host_user_get(external_id=external_id)))


@router.get("/users/{external_id}", auth=auth.USERS, response={200: UserOut, **ERRORS})
def user_get(request: HttpRequest, external_id: str = ExternalId):
    return _user(hosts.host_user_get(external_id=external_id))


@router.post("/users/{external_id}/deactivate", auth=auth.USERS, response={200: UserOut, **ERRORS})
def user_deactivate(request: HttpRequest, external_id: str = ExternalId):
    """The user can no longer send, connect or hold a token; open sockets close (4401)."""
    return _user(hosts.host_user_deactivate(external_id=external_id))


@router.post("/users/{external_id}/tokens", auth=auth.TOKENS, response={201: TokenOut, **ERRORS})
def token_mint(request: HttpRequest, external_id: str = ExternalId):
    """A short-lived token for the user's client: the chat socket and the client API."""
    profile = hosts.host_user_get(external_id=external_id)
    if not profile.user.is_active:
        raise ClientError("user_inactive", "the user is deactivated")
    token = socket_token_issue(user=profile.user)
    return Status(
        201,
        TokenOut(
            token=token,
            expires_in=settings.SOCKET_TOKEN_MAX_AGE,
            socket_url="/ws/chat/",
            subprotocols=[SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX + token],
        ),
    )


@router.post("/users/{external_id}/tokens/revoke", auth=auth.TOKENS, response={204: None, **ERRORS})
def tokens_revoke(request: HttpRequest, external_id: str = ExternalId):
    """End every token the user holds (sockets opened with one close)."""
    hosts.host_tokens_revoke(external_id=external_id)
    return Status(204, None)


@router.post("/matches", auth=auth.CONVERSATIONS, response={200: MatchOut, 201: MatchOut, **ERRORS})
def match_open(request: HttpRequest, body: MatchIn):
    """The conversation of a match; the same match_id again returns it (200)."""
    conversation, created = hosts.match_open(
        match_id=body.match_id, external_ids=body.users, translate=body.translate
    )
    return Status(201 if created else 200, _match(conversation))


@router.get("/matches/{match_id}", auth=auth.CONVERSATIONS, response={200: MatchOut, **ERRORS})
def match_get(request: HttpRequest, match_id: str = ExternalId):
    return _match(hosts.match_get(match_id=match_id))


@router.post(
    "/matches/{match_id}/close", auth=auth.CONVERSATIONS, response={200: MatchOut, **ERRORS}
)
def match_close(request: HttpRequest, match_id: str = ExternalId):
    """Unmatch: members keep the history and get `conversation.closed`; sends are refused."""
    return _match(hosts.match_close(match_id=match_id))
