"""Short-lived signed user tokens: for the socket (non-browser clients) and the client API.

A token is readable by whoever holds it (it is only signed), so it carries nothing secret: the
user's id, their token epoch, and a keyed MAC of their password hash. Bumping the epoch
(`user_tokens_revoke`: logout, deactivation, or the host app asking) ends every token issued
before; a password change ends them too, since the MAC no longer matches.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac

from chat.models import Profile

_SALT = "xlate.socket-token"
# The token travels as a WebSocket subprotocol, so it must be an HTTP token: no ':' separator.
_SEP = "~"
SUBPROTOCOL = "xlate"
TOKEN_SUBPROTOCOL_PREFIX = "xlate.token."


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT, sep=_SEP)


def _password_mark(user: AbstractBaseUser) -> str:
    """Changes whenever the password does, and tells nothing about it."""
    return salted_hmac(_SALT, user.password, algorithm="sha256").hexdigest()[:16]


def _epoch(user_id: int) -> int:
    epoch = Profile.objects.filter(user_id=user_id).values_list("token_epoch", flat=True).first()
    return epoch or 0


def socket_token_issue(*, user: AbstractBaseUser) -> str:
    """A token for `user`, valid for SOCKET_TOKEN_MAX_AGE seconds unless revoked first."""
    payload = {"u": user.pk, "e": _epoch(user.pk), "m": _password_mark(user)}
    return _signer().sign_object(payload, compress=True)


def socket_token_user(token: str, *, fresh: bool = True) -> AbstractBaseUser | None:
    """The active user a valid, unrevoked token was issued to, or None. The token must also be
    unexpired when `fresh`: its lifetime bounds when it may open a socket, not how long the
    socket lives (that is for revocation to end)."""
    max_age = settings.SOCKET_TOKEN_MAX_AGE if fresh else None
    try:
        data = _signer().unsign_object(token, max_age=max_age)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("e") != _epoch(user.pk):
        return None
    if not constant_time_compare(str(data.get("m", "")), _password_mark(user)):
        return None
    return user


def user_tokens_revoke(*, user_id: int) -> None:
    """End every token issued to the user so far."""
    profile, _ = Profile.objects.get_or_create(user_id=user_id)
    Profile.objects.filter(pk=profile.pk).update(token_epoch=F("token_epoch") + 1)
