"""Short-lived signed tokens that let non-browser clients open the chat socket."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing

_SALT = "xlate.socket-token"
# The token travels as a WebSocket subprotocol, so it must be an HTTP token: no ':' separator.
_SEP = "~"
SUBPROTOCOL = "xlate"
TOKEN_SUBPROTOCOL_PREFIX = "xlate.token."


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT, sep=_SEP)


def socket_token_issue(*, user: AbstractBaseUser) -> str:
    # The password hash fragment ties the token to the current password: changing it
    # invalidates every token issued before.
    return _signer().sign_object({"u": user.pk, "p": user.password[-12:]}, compress=True)


def socket_token_user(token: str) -> AbstractBaseUser | None:
    """The active user a valid, unexpired token was issued to, or None."""
    try:
        data = _signer().unsign_object(token, max_age=settings.SOCKET_TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.password[-12:] != data.get("p"):
        return None
    return user
