"""Password guessing through either door (the /login/ form, POST /api/socket-token) slows down
per client address, and nothing an attacker does locks the owner out of their account."""

import json
import time

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from chat import ratelimit
from chat.login import backoff_seconds, client_address

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture(autouse=True)
def fresh_throttle(settings):
    # Every guess checks a password: a fast hasher keeps these tests about the throttle.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LOGIN_RATE_LIMIT = "1000/minute"  # the flood cap has a test of its own
    settings.LOGIN_FREE_FAILURES = 3
    settings.LOGIN_USERNAME_ADDRESSES = 3
    settings.LOGIN_FAILURE_WINDOW = 3600
    settings.LOGIN_BACKOFF_MAX = 900
    settings.TRUSTED_PROXY_HOPS = 0
    ratelimit.reset()
    cache.clear()
    yield
    ratelimit.reset()
    cache.clear()


class Door:
    """One way to try a password; `try_` answers "ok", "wrong" or "throttled"."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.last = None

    def try_(self, username: str, password: str, address: str = ATTACKER, **meta) -> str:
        client = Client(REMOTE_ADDR=address, **meta)
        if self.name == "form":
            response = client.post("/login/", {"username": username, "password": password})
            outcomes = {302: "ok", 200: "wrong", 429: "throttled"}
        else:
            body = json.dumps({"username": username, "password": password})
            response = client.post("/api/socket-token", body, content_type="application/json")
            outcomes = {200: "ok", 401: "wrong", 429: "throttled"}
        self.last = response
        return outcomes[response.status_code]


@pytest.fixture(params=["form", "token"])
def door(request) -> Door:
    return Door(request.param)


@pytest.fixture
def owner(make_user):
    return make_user(username="owner")


def test_the_backoff_doubles_up_to_its_ceiling(settings):
    settings.LOGIN_BACKOFF_MAX = 900

    assert [backoff_seconds(n) for n in range(12)] == [
        0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900,
    ]  # fmt: skip
    assert backoff_seconds(10_000) == 900


def test_failures_from_one_address_back_off_exponentially(door, owner):
    assert [door.try_("owner", "guess") for _ in range(3)] == ["wrong"] * 3

    assert door.try_("owner", "guess") == "wrong"  # the first past the free ones: 1 s
    # Refused before the password is checked: the right one is no way through, nor a hint.
    assert door.try_("owner", "pw-owner") == "throttled"
    assert door.last["Retry-After"] == "1"
    time.sleep(1.1)
    assert door.try_("owner", "guess") == "wrong"
    assert door.try_("owner", "guess") == "throttled"
    assert door.last["Retry-After"] == "2"


def test_the_refusal_says_when_to_try_again(door, owner):
    for _ in range(4):
        door.try_("owner", "guess")

    assert door.try_("owner", "guess") == "throttled"
    if door.name == "token":
        assert door.last.json() == {
            "error": "rate_limited",
            "detail": "too many attempts; try again in 1 s",
            "retry_after": 1,
        }
    else:
        assert "Try again in 1 second." in door.last.content.decode()


def test_spraying_many_usernames_from_one_address_is_throttled(door, make_user):
    for n in range(10):
        make_user(username=f"member{n}")

    outcomes = [door.try_(f"member{n}", "Summer2024!") for n in range(10)]

    assert outcomes == ["wrong"] * 4 + ["throttled"] * 6


def test_an_attackers_failures_do_not_lock_the_owner_out(door, owner):
    for _ in range(20):
        door.try_("owner", "guess")

    assert door.try_("owner", "guess") == "throttled"
    assert door.try_("owner", "pw-owner", address=OWNER) == "ok"


def test_a_username_failed_from_many_addresses_backs_off_only_those_addresses(door, owner):
    """Below the threshold an address keeps its free failures; at it, every address that
    failed this username waits after each failure, and one that did not is let through."""
    bots = [f"192.0.2.{n}" for n in range(1, 5)]

    assert door.try_("owner", "guess", address=bots[0]) == "wrong"
    assert door.try_("owner", "guess", address=bots[0]) == "wrong"  # one address, no attack
    assert door.try_("owner", "guess", address=bots[1]) == "wrong"
    assert door.try_("owner", "guess", address=bots[2]) == "wrong"  # three addresses: attack

    assert [door.try_("owner", "guess", address=bot) for bot in bots[:3]] == ["throttled"] * 3
    assert door.try_("owner", "guess", address=bots[3]) == "wrong"  # a new one has its guess
    assert door.try_("owner", "guess", address=bots[3]) == "throttled"
    assert door.try_("owner", "pw-owner", address=OWNER) == "ok"


def test_other_usernames_from_an_address_that_failed_one_under_attack_still_work(
    door, owner, make_user
):
    make_user(username="neighbour")
    for n in range(1, 4):
        door.try_("owner", "guess", address=f"192.0.2.{n}")

    assert door.try_("owner", "guess", address="192.0.2.1") == "throttled"
    assert door.try_("neighbour", "pw-neighbour", address="192.0.2.1") == "ok"


def test_both_doors_count_the_same_failures(owner):
    form, token = Door("form"), Door("token")

    assert [form.try_("owner", "guess"), token.try_("owner", "guess")] == ["wrong"] * 2
    assert [form.try_("owner", "guess"), token.try_("owner", "guess")] == ["wrong"] * 2

    assert form.try_("owner", "pw-owner") == "throttled"
    assert token.try_("owner", "pw-owner") == "throttled"


def test_attempts_per_address_are_capped_right_or_wrong(door, owner, settings):
    settings.LOGIN_RATE_LIMIT = "3/minute"

    outcomes = [door.try_("owner", "pw-owner") for _ in range(4)]

    assert outcomes == ["ok", "ok", "ok", "throttled"]
    assert int(door.last["Retry-After"]) >= 1
    assert door.try_("owner", "pw-owner", address=OWNER) == "ok"


def test_ipv6_clients_are_counted_per_64(door, owner):
    for n in range(1, 5):
        assert door.try_("owner", "guess", address=f"2001:db8:1:2::{n}") == "wrong"

    assert door.try_("owner", "guess", address="2001:db8:1:2:ffff::1") == "throttled"
    assert door.try_("owner", "pw-owner", address="2001:db8:1:3::1") == "ok"


def test_without_a_trusted_proxy_x_forwarded_for_changes_nothing(door, owner):
    for n in range(4):
        door.try_("owner", "guess", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")

    assert door.try_("owner", "guess", HTTP_X_FORWARDED_FOR="10.9.9.99") == "throttled"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwarded(door, owner, settings):
    """The attacker rotates what they put in X-Forwarded-For; the proxy appends what it saw."""
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = "10.0.0.2"

    for n in range(4):
        spoofed = f"10.9.9.{n}, {ATTACKER}"
        assert door.try_("owner", "guess", proxy, HTTP_X_FORWARDED_FOR=spoofed) == "wrong"

    spoofed = f"10.9.9.99, {ATTACKER}"
    assert door.try_("owner", "guess", proxy, HTTP_X_FORWARDED_FOR=spoofed) == "throttled"
    assert door.try_("owner", "pw-owner", proxy, HTTP_X_FORWARDED_FOR=OWNER) == "ok"


@pytest.mark.parametrize(
    ("hops", "forwarded", "client"),
    [
        (0, "192.0.2.1", "10.0.0.2"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.1", "192.0.2.1"),
        (2, "192.0.2.1", "10.0.0.2"),  # shorter than the proxies: it did not come through them
        (1, "", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address(settings, hops, forwarded, client):
    settings.TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == client
