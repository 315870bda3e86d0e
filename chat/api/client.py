"""The client API: what a chat client calls for its user, with a user token or the web
client's session (docs/client-api.md). Everything live also has a socket frame.

Thin: parse, call one service or selector, shape the answer. Errors are ClientErrors, turned
into `{"error", "detail"}` with an HTTP status by xlate_site/api.py.
"""

from django.contrib.auth import login as django_login
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from chat import selectors
from chat.api import auth
from chat.api.client_schemas import (
    AppealAccepted,
    AppealIn,
    BioIn,
    BioOut,
    BioQuery,
    BlockCreated,
    BlockOut,
    ConversationOut,
    ConversationSettingsIn,
    EditAccepted,
    HistoryOut,
    MeIn,
    MemberOut,
    MeOut,
    MessageEditIn,
    ReadIn,
    ReadOut,
    ReportCreated,
    ReportIn,
    UserRef,
)
from chat.api.schemas import Error
from chat.errors import ClientError
from chat.models import Profile
from chat.services import blocks, conversations, edits, profiles, receipts
from moderation.services import check_message_appeal, check_report_submit

router = Router(tags=["client"], auth=auth.USER)

ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 429: Error}
ObjectId = Path(..., ge=1, le=2**63 - 1)
QueryParameters = Query(...)


def _me(user: AbstractBaseUser, profile: Profile) -> MeOut:
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        display_name=user.first_name,
        language=profile.language,
        interface_language=profile.interface_language,
        country=profile.country,
        bio=profile.bio,
        bio_version=profile.bio_version,
        avatar_url=profile.avatar_url,
    )


def _conversation(request: HttpRequest, conversation_id: int) -> dict:
    view = selectors.conversation_view(user=request.auth, conversation_id=conversation_id)
    if view is None:
        raise ClientError("not_found", "no such conversation, or you are not in it")
    return view


# --- me ------------------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, **ERRORS})
def me_get(request: HttpRequest):
    return _me(request.auth, profiles.profile_ensure(user=request.auth))


@router.patch("/me", response={200: MeOut, **ERRORS})
def me_update(request: HttpRequest, body: MeIn):
    """Change my reading language, interface language or display name."""
    profile = profiles.profile_settings_update(user=request.auth, **body.dict())
    return _me(request.auth, profile)


@router.put("/me/bio", response={200: MeOut, **ERRORS})
def me_bio_update(request: HttpRequest, body: BioIn):
    return _me(request.auth, profiles.profile_bio_update(user=request.auth, bio=body.bio))


# --- people --------------------------------------------------------------------------------


@router.get("/users/{user_id}/bio", response={200: BioOut, **ERRORS})
def bio_get(
    request: HttpRequest,
    user_id: int = ObjectId,
    query: BioQuery = QueryParameters,
):
    """A person's bio, translated for me: someone I share a conversation with, or anyone in
    the directory when it is on."""
    return profiles.check_bio_read(viewer=request.auth, user_id=user_id, language=query.lang)


@router.get("/me/contacts", response={200: list[MemberOut], **ERRORS})
def contacts_list(request: HttpRequest):
    """The people I may start a conversation with (empty when CHAT_DIRECTORY is off)."""
    return selectors.contacts_for(user=request.auth)


@router.post("/me/blocks", response={201: BlockCreated, **ERRORS})
def block_create(request: HttpRequest, body: UserRef):
    """Block someone: every direct conversation between us closes (reason `blocked`)."""
    block = blocks.check_block_create(user=request.auth, blocked_user_id=body.user)
    return Status(201, BlockCreated(user=block.blocked_id, created_at=block.created_at.isoformat()))


@router.get("/me/blocks", response={200: list[BlockOut], **ERRORS})
def block_list(request: HttpRequest):
    return selectors.blocks_of(user=request.auth)


@router.delete("/me/blocks/{user_id}", response={204: None, **ERRORS})
def block_delete(request: HttpRequest, user_id: int = ObjectId):
    """Lift a block; conversations it closed stay closed."""
    blocks.block_remove(user=request.auth, blocked_user_id=user_id)
    return Status(204, None)


# --- conversations -------------------------------------------------------------------------


@router.get("/me/conversations", response={200: list[ConversationOut], **ERRORS})
def conversation_list(request: HttpRequest):
    """My conversations, the most recently active first."""
    return selectors.conversation_views(user=request.auth)


@router.post("/me/conversations", response={200: ConversationOut, 201: ConversationOut, **ERRORS})
def conversation_open(request: HttpRequest, body: UserRef):
    """Start a direct conversation with someone in the directory, or get the open one we have
    (200)."""
    conversation, created = conversations.check_conversation_open(
        user=request.auth, other_user_id=body.user
    )
    return Status(201 if created else 200, _conversation(request, conversation.pk))


@router.get("/me/conversations/{conversation_id}", response={200: ConversationOut, **ERRORS})
def conversation_get(request: HttpRequest, conversation_id: int = ObjectId):
    return _conversation(request, conversation_id)


@router.patch("/me/conversations/{conversation_id}", response={200: ConversationOut, **ERRORS})
def conversation_settings(
    request: HttpRequest, body: ConversationSettingsIn, conversation_id: int = ObjectId
):
    """Turn translation on or off for me here, and my reading language (`translation.set`)."""
    conversations.check_translation_set(
        user=request.auth,
        conversation_id=conversation_id,
        enabled=body.translate,
        language=body.language,
    )
    return _conversation(request, conversation_id)


@router.get("/me/conversations/{conversation_id}/messages", response={200: HistoryOut, **ERRORS})
def history(
    request: HttpRequest,
    conversation_id: int = ObjectId,
    before: int | None = Query(None, ge=1, le=2**63 - 1, description="default: after the last"),
    limit: int = Query(50, ge=1, le=selectors.HISTORY_LIMIT_MAX),
):
    """A page of my view of the conversation, oldest first; `more`: an older page exists."""
    page = selectors.history_page(
        user=request.auth, conversation_id=conversation_id, before=before, limit=limit
    )
    if page is None:
        raise ClientError("not_found", "no such conversation, or you are not in it")
    return page


@router.post("/me/conversations/{conversation_id}/read", response={200: ReadOut, **ERRORS})
def conversation_read(request: HttpRequest, body: ReadIn, conversation_id: int = ObjectId):
    """I have read up to `seq` (the `read` frame); numbers only move forward."""
    participant = receipts.receipt_mark(
        user=request.auth, conversation_id=conversation_id, seq=body.seq, read=True
    )
    return ReadOut(read_seq=participant.last_read_seq)


# --- messages ------------------------------------------------------------------------------


@router.patch("/me/messages/{message_id}", response={202: EditAccepted, **ERRORS})
def message_edit(request: HttpRequest, body: MessageEditIn, message_id: int = ObjectId):
    """Ask for a new text of my delivered message; readers see it once it passed the checks."""
    edit = edits.check_message_edit(user=request.auth, message_id=message_id, text=body.text)
    return Status(202, EditAccepted(id=edit.message_id, edit=edit.pk, status="pending"))


@router.delete("/me/messages/{message_id}", response={204: None, **ERRORS})
def message_delete(request: HttpRequest, message_id: int = ObjectId):
    """Delete my message for everyone: it keeps its number as a stub."""
    edits.check_message_delete(user=request.auth, message_id=message_id)
    return Status(204, None)


@router.post("/me/reports", response={201: ReportCreated, **ERRORS})
def report_create(request: HttpRequest, body: ReportIn):
    """Report a message (its sender) or a member of one of my conversations."""
    report = check_report_submit(
        reporter=request.auth,
        conversation_id=body.conversation,
        reason=body.reason,
        comment=body.comment,
        message_id=body.message,
        reported_user_id=body.user,
    )
    return Status(201, ReportCreated(id=report.pk, case=report.case_id))


@router.post("/me/appeals", response={201: AppealAccepted, **ERRORS})
def appeal_create(request: HttpRequest, body: AppealIn):
    """Ask a moderator to look again at my held or blocked message."""
    check_message_appeal(user=request.auth, message_id=body.message, comment=body.comment)
    return Status(201, AppealAccepted(message=body.message))


# --- the web client, opened by the host app ---------------------------------------------


@router.post("/me/session", auth=auth.USER_TOKEN, response={204: None, **ERRORS})
def session_open(request: HttpRequest):
    """Start a web-client session for the token's user (the host app hands its user a token,
    and /session/open trades it for the session cookie). A token is required, never a
    cookie: a page of another site cannot send the header without CORS, so it cannot sign a
    visitor in as someone else."""
    django_login(request, request.auth)
    return Status(204, None)
