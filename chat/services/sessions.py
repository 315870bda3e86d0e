"""What keeps an open socket authorized, and what tells it when that may have ended.

A socket is opened with a browser session or a socket token and checked then. Whatever may end
that right later (a logout, a password change, a deactivation or ban, revoked tokens) tells
the user's sockets over the channel layer, and each checks again what opened it
(`socket_recheck`); a removal from a conversation tells them which one to drop. A broadcast lost
while Redis was away is caught by the heartbeat, which checks again every
SOCKET_AUTH_RECHECK_SECONDS.

Passwords change and accounts are deactivated in many places (Django's admin and auth views, the
`changepassword` command, a host's own code), and participants are deleted by the admin or by a
cascade; receivers on those models (connected in ChatConfig.ready, like chat/context.py's) are
the one place that sees them all.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib import auth
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest

from chat import selectors
from chat.broadcast import broadcast_on_commit, user_group
from chat.models import Participant
from chat.tokens import socket_token_user, user_tokens_revoke

# A change to any of these may end what the user's sockets were opened with.
_CREDENTIAL_FIELDS = ("password", "is_active")


@dataclass(frozen=True, slots=True)
class SocketCredential:
    """What opened a socket: a browser session's key, or a socket token."""

    user_id: int
    session_key: str | None = None
    token: str | None = None


def credential_valid(credential: SocketCredential) -> bool:
    """Whether what opened the socket would still open it for the same, active user (a token's
    age aside: its lifetime bounds the handshake, revocation ends the socket)."""
    if credential.token is not None:
        user = socket_token_user(credential.token, fresh=False)
    elif credential.session_key:
        # Django's own check of a session, as on every HTTP request: the session exists, names
        # this user, and carries the hash of their current password.
        request = HttpRequest()
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(
            credential.session_key
        )
        user = auth.get_user(request)
    else:
        return False
    return bool(user is not None and user.pk == credential.user_id and user.is_active)


def socket_recheck(
    *, credential: SocketCredential, conversation_ids: Iterable[int]
) -> tuple[bool, list[int]]:
    """(whether the socket may stay open, which of `conversation_ids` the user has left)."""
    if not credential_valid(credential):
        return False, []
    member_of = set(selectors.conversation_ids_of(user_id=credential.user_id))
    return True, [cid for cid in conversation_ids if cid not in member_of]


def sockets_recheck(*, user_id: int) -> None:
    """Have every open socket of the user check again what opened it (on commit)."""
    broadcast_on_commit(user_group(user_id), {"type": "chat.recheck"})


def logout_sockets_end(*, user_id: int) -> None:
    """After a logout: the session is gone, and so is every socket token the user could have
    handed out; the sockets opened with either close. Other browsers' sessions stay."""
    user_tokens_revoke(user_id=user_id)
    sockets_recheck(user_id=user_id)


def _credentials_before(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Note whether this save changes the password or the active flag (one query, skipped for
    saves that name other fields, such as the login's last_login)."""
    instance._sockets_recheck = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(_CREDENTIAL_FIELDS) & set(update_fields):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list(*_CREDENTIAL_FIELDS).first()
    now = tuple(getattr(instance, name) for name in _CREDENTIAL_FIELDS)
    instance._sockets_recheck = stored is not None and stored != now


def _credentials_after(sender, instance, raw=False, **kwargs) -> None:
    if getattr(instance, "_sockets_recheck", False):
        instance._sockets_recheck = False
        sockets_recheck(user_id=instance.pk)


def _participant_removed(sender, instance: Participant, **kwargs) -> None:
    frame = {"type": "chat.removed", "conversation": instance.conversation_id}
    broadcast_on_commit(user_group(instance.user_id), frame)


def connect_receivers() -> None:
    user_model = auth.get_user_model()
    pre_save.connect(_credentials_before, sender=user_model, dispatch_uid="sockets-credentials")
    post_save.connect(_credentials_after, sender=user_model, dispatch_uid="sockets-credentials")
    post_delete.connect(_participant_removed, sender=Participant, dispatch_uid="sockets-removed")
