"""Which providers the configuration selects, and each SDK provider over the wire."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from translation.engine import translate
from translation.providers import configured_chain_spec, get_chain, parse_chain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_providers(settings):
    settings.ANTHROPIC_API_KEY = settings.OPENAI_API_KEY = ""
    settings.ANTHROPIC_BASE_URL = settings.OPENAI_BASE_URL = ""
    settings.TRANSLATION_PROVIDERS = ""
    return settings


def test_with_no_key_and_no_url_the_offline_provider_is_used_and_marked_demo(no_providers):
    (provider,) = get_chain()
    assert provider.name == "offline" and provider.is_demo


def test_keys_and_urls_select_providers_anthropic_first(no_providers):
    no_providers.OPENAI_BASE_URL = "http://127.0.0.1:11434/v1"
    assert configured_chain_spec() == [("openai", no_providers.OPENAI_MODEL)]
    no_providers.ANTHROPIC_API_KEY = "k"
    assert [kind for kind, _ in configured_chain_spec()] == ["anthropic", "openai"]


def test_an_explicit_chain_wins_and_a_bad_one_is_refused(no_providers):
    no_providers.TRANSLATION_PROVIDERS = "openai:gpt-4.1-mini, anthropic:claude-sonnet-4-5"
    assert configured_chain_spec() == [
        ("openai", "gpt-4.1-mini"),
        ("anthropic", "claude-sonnet-4-5"),
    ]
    with pytest.raises(ValueError, match="unknown translation provider"):
        parse_chain("deepl:v2")


def test_only_an_openai_compatible_url_translates_through_that_server(llm, no_providers):
    no_providers.OPENAI_BASE_URL = llm.openai_base_url  # no key: a local Ollama/vLLM setup
    no_providers.OPENAI_MODEL = "llama3.1"

    result = translate("Good morning", source="en", target="es")

    assert (result.provider, result.model) == ("openai", "llama3.1")
    assert llm.calls[0].api == "openai" and llm.calls[0].model == "llama3.1"
    assert result.text.lower().startswith("buenos días")


def test_only_an_anthropic_key_translates_through_claude(llm, no_providers):
    no_providers.ANTHROPIC_API_KEY = "sk-ant-test"
    no_providers.ANTHROPIC_BASE_URL = llm.anthropic_base_url

    result = translate("Good night", source="en", target="fr")

    assert result.provider == "anthropic" and llm.calls[0].stream
    assert result.text.lower().startswith("bonne nuit")


@pytest.mark.parametrize(
    "spec", ["anthropc:claude-haiku-4-5", "openai:gpt-4o-mini,gemini:pro", "offline:big", " , "]
)
def test_a_typo_in_the_provider_list_is_refused_with_its_name(spec):
    with pytest.raises(ValueError, match="TRANSLATION_PROVIDERS|offline"):
        parse_chain(spec)


def test_a_process_with_a_typo_in_the_provider_list_does_not_start(tmp_path):
    """The check runs when Django starts (the app's ready()), not at the first message."""
    env = {**os.environ, "TRANSLATION_PROVIDERS": "anthropc:claude-haiku-4-5"}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "unknown translation provider 'anthropc'" in done.stderr
