"""Short-lived signed tokens that let non-browser clients open the chat socket."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing

_SALT = "xlate.socket-token"


def socket_token_issue(*, user: AbstractBaseUser) -> str:
    # The password hash fragment ties the token to the current password: changing it
    # invalidates every token issued before.
    return signing.dumps({"u": user.pk, "p": user.password[-12:]}, salt=_SALT, compress=True)


def socket_token_user(token: str) -> AbstractBaseUser | None:
    """The active user a valid, unexpired token was issued to, or None."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=settings.SOCKET_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.password[-12:] != data.get("p"):
        return None
    return user
