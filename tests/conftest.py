"""Shared fixtures. Django is imported inside them so Django-free tests can run alone."""

import itertools
import os
import sys

import pytest

_names = itertools.count(1)


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashing(django_test_environment):
    """Hash test users' passwords cheaply (tests/support/hashers.py) in this process."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["tests.support.hashers.QuickPBKDF2PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _jobs_finish_before_teardown():
    """Pipeline jobs run on threads of the test process (the embedded mode): let them finish
    before the test database is flushed under them."""
    yield
    dispatch = sys.modules.get("chat.dispatch")
    if dispatch is not None:
        dispatch.wait_idle(20)


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    from chat.models import Profile

    def make(*, language: str = "en", country: str = "US", username: str | None = None):
        username = username or f"user{next(_names)}"
        user = get_user_model().objects.create_user(username=username, password="pw-" + username)
        Profile.objects.create(user=user, language=language, country=country)
        return user

    return make


@pytest.fixture
def make_conversation(db):
    from chat.context import conversation_context_forget
    from chat.models import Conversation, Participant
    from chat.services.conversations import conversation_start

    def make(*users, translate_for=()):
        kind = Conversation.Kind.DIRECT if len(users) == 2 else Conversation.Kind.GROUP
        conversation = conversation_start(users=users, kind=kind)
        Participant.objects.filter(
            conversation=conversation, user__in=[u.pk for u in translate_for]
        ).update(translate=True)
        conversation_context_forget(conversation.pk)
        return conversation

    return make


@pytest.fixture
def services_url():
    """The Redis URL of the servers started for this run (integration tests only)."""
    url = os.environ.get("XLATE_TEST_REDIS_URL")
    if not url or "postgres" not in os.environ.get("DATABASE_URL", ""):
        if os.environ.get("XLATE_REQUIRE_SERVICES"):
            pytest.fail("PostgreSQL and Redis were required but not started")
        pytest.skip("needs PostgreSQL and Redis: run ./scripts/test")
    return url


@pytest.fixture
def llm(settings):
    """The local Anthropic + OpenAI server, with the chain anthropic → openai pointed at it."""
    from django.core.cache import cache

    from tests.support.llm_server import FakeLLMServer
    from tests.support.responders import translator

    server = FakeLLMServer(responder=translator).start()
    settings.ANTHROPIC_API_KEY = "test-anthropic-key"
    settings.ANTHROPIC_BASE_URL = server.anthropic_base_url
    settings.OPENAI_API_KEY = "test-openai-key"
    settings.OPENAI_BASE_URL = server.openai_base_url
    settings.TRANSLATION_PROVIDERS = "anthropic:claude-haiku-4-5,openai:gpt-4o-mini"
    settings.TRANSLATION_TIMEOUT = 2.0
    settings.TRANSLATION_BACKOFF = 0.01
    settings.TRANSLATION_BREAKER_THRESHOLD = 3
    settings.TRANSLATION_BREAKER_COOLDOWN = 1.0
    cache.clear()  # breaker state and single-flight locks live in the cache
    yield server
    server.stop()
    cache.clear()


@pytest.fixture
def moderators_group(db):
    """The Moderators group as its migration creates it. Transactional tests flush the tables
    (migration data included), so the group is rebuilt from the migration's own list."""
    from importlib import import_module

    from django.contrib.auth.models import Group, Permission

    migration = import_module("moderation.migrations.0002_moderators_group")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in migration.PERMISSIONS
        ]
    )
    return group


@pytest.fixture
def moderator(make_user, moderators_group):
    """A staff member in the Moderators group, as the admin expects one."""
    user = make_user(username="mod")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(moderators_group)
    return user
