"""Password sign-in through both its doors, the /login/ form and POST /api/socket-token: one
throttle in front of the password check, so that guessing is slow and nobody can be locked out.

The rules (settings in the README):

- A client address may try LOGIN_RATE_LIMIT passwords, right or wrong (hashing one costs CPU).
- Failures from one address are free up to LOGIN_FREE_FAILURES in LOGIN_FAILURE_WINDOW
  seconds; each further one locks that address out of every account for 1, 2, 4, ... seconds,
  at most LOGIN_BACKOFF_MAX. Spraying one password over many usernames is slowed like this.
- A username failed from LOGIN_USERNAME_ADDRESSES distinct addresses in the window is under
  attack: then every address that failed it backs off from it the same way, with no free
  failures. An address that has not failed it is never refused for it.

Nothing an attacker does from their own addresses refuses the owner's correct password from an
address the attacker does not share: every lock is on an address that failed. A locked attempt
is refused before its password is checked, so a lock is no oracle either.

IPv6 clients are counted per /64 (one subscriber's whole allocation), IPv4 per address.
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.forms import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext_lazy

from chat import ratelimit


class LoginThrottled(Exception):
    """This attempt must wait `retry_after` seconds; its password was not checked."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def client_address(request: HttpRequest) -> str:
    """The address the request came from: REMOTE_ADDR, or behind TRUSTED_PROXY_HOPS reverse
    proxies the X-Forwarded-For entry that the outermost of them appended.

    Each proxy appends the address it received from, so only the last TRUSTED_PROXY_HOPS
    entries are trustworthy; anything to their left is what the client claimed. A chain
    shorter than that did not come through the proxies: REMOTE_ADDR is the client.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_HOPS
    if hops <= 0:
        return remote
    chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [hop for hop in chain if hop]
    if len(chain) < hops:
        return remote
    forwarded = chain[-hops]
    try:
        ipaddress.ip_address(forwarded)
    except ValueError:
        return remote
    return forwarded


def backoff_seconds(failures: int) -> int:
    """The lock-out after the `failures`-th failure past the free ones: 1, 2, 4, ... seconds,
    at most LOGIN_BACKOFF_MAX."""
    if failures <= 0:
        return 0
    return min(settings.LOGIN_BACKOFF_MAX, 2 ** min(failures - 1, 30))


def password_attempt(
    request: HttpRequest, *, username: str, password: str
) -> AbstractBaseUser | None:
    """Check a password behind the throttle: the user, or None for wrong credentials (or an
    inactive account). Raises LoginThrottled, without checking the password, when this address
    must wait."""
    keys = _Keys(username, client_address(request))
    if not ratelimit.hit("login", keys.address, rate=settings.LOGIN_RATE_LIMIT):
        raise LoginThrottled(
            ratelimit.retry_after("login", keys.address, rate=settings.LOGIN_RATE_LIMIT)
        )
    wait = _locked_for("address", keys.address)
    if not wait and _under_attack(keys):
        wait = _locked_for("pair", keys.pair)
    if wait:
        raise LoginThrottled(wait)
    user = authenticate(request, username=username, password=password)
    if user is None:
        _failed(keys)
    else:
        # The owner's own mistakes on this address are forgiven; the address's count is not
        # (an attacker who owns an account could otherwise wipe it between guesses).
        ratelimit.forget("login-failed-pair", keys.pair, window=settings.LOGIN_FAILURE_WINDOW)
        cache.delete(_lock_key("pair", keys.pair))
    return user


class _Keys:
    """What the counters are keyed by. Usernames and addresses are hashed: the counters'
    storage keeps neither, and no character of theirs can collide with a key's separators."""

    def __init__(self, username: str, address: str) -> None:
        self.address = _digest(_network(address))
        self.username = _digest(username.lower()[:150])
        self.pair = _digest(f"{self.username}/{self.address}")


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _failed(keys: _Keys) -> None:
    window = settings.LOGIN_FAILURE_WINDOW
    failures = ratelimit.record("login-failed", keys.address, window=window)
    _lock("address", keys.address, backoff_seconds(failures - settings.LOGIN_FREE_FAILURES))
    # Set on every failure, enforced only while the username is under attack.
    pair_failures = ratelimit.record("login-failed-pair", keys.pair, window=window)
    _lock("pair", keys.pair, backoff_seconds(pair_failures))
    if pair_failures == 1:  # a new address failing this username
        ratelimit.record("login-failed-user", keys.username, window=window)


def _under_attack(keys: _Keys) -> bool:
    addresses = ratelimit.count(
        "login-failed-user", keys.username, window=settings.LOGIN_FAILURE_WINDOW
    )
    return addresses >= settings.LOGIN_USERNAME_ADDRESSES


# A lock is a deadline in the cache (shared through Redis, like the counters), kept as long as
# it lasts; `limits` counts but has no notion of "refused until".
def _lock_key(scope: str, key: str) -> str:
    return f"login-lock:{scope}:{key}"


def _lock(scope: str, key: str, seconds: int) -> None:
    if seconds > 0:
        cache.set(_lock_key(scope, key), time.time() + seconds, timeout=seconds)


def _locked_for(scope: str, key: str) -> int:
    deadline = cache.get(_lock_key(scope, key))
    if deadline is None:
        return 0
    return max(0, math.ceil(deadline - time.time()))


# --- the /login/ form -----------------------------------------------------------------------


class LoginForm(AuthenticationForm):
    """Django's login form, its password checked behind the throttle."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": ngettext_lazy(
            "Too many failed sign-ins from your network. Try again in %(seconds)d second.",
            "Too many failed sign-ins from your network. Try again in %(seconds)d seconds.",
            "seconds",
        ),
    }

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = password_attempt(
                    self.request, username=username, password=password
                )
            except LoginThrottled as refusal:
                self.retry_after = refusal.retry_after
                raise ValidationError(
                    self.error_messages["throttled"],
                    code="throttled",
                    params={"seconds": refusal.retry_after},
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LoginView(auth_views.LoginView):
    """Django's login view with the throttled form; a throttled attempt answers 429 with
    Retry-After (the page still shows the form and why)."""

    authentication_form = LoginForm

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "throttled"):
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response
