"""The README's run command, driven in headless Chromium: two demo users chat, one translated."""

import re

import pytest

from tests.e2e.conftest import PASSWORD  # the demo users' password in demo_server


def login(browser, base: str, username: str):
    page = browser.new_context().new_page()
    page.set_default_timeout(15000)
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.click("[data-conversation-id]")
    page.wait_for_selector("#connection-status[data-state=online]")
    return page


@pytest.fixture
def fresh_database() -> bool:
    return True  # the newcomer's very first start: no database file at all


def test_two_demo_users_chat_and_the_reader_who_opted_in_reads_a_translation(demo_server, browser):
    alice, bruno = login(browser, demo_server, "alice"), login(browser, demo_server, "bruno")

    alice.fill("#message-input", "Good morning, how are you?")
    alice.click("#send-button")
    received = bruno.locator(".message.other").first
    received.locator(".translation").wait_for()

    assert received.locator(".original").inner_text() == "Good morning, how are you?"
    assert re.search(r"buenos días", received.locator(".translation").inner_text(), re.I)
    assert received.locator(".demo-label").is_visible()

    bruno.fill("#message-input", "hola, gracias")
    bruno.click("#send-button")
    reply = alice.locator(".message.other").first
    reply.wait_for()
    assert reply.locator(".translation").count() == 0  # alice has not opted in

    alice.fill("#message-input", "pay 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa now")
    alice.click("#send-button")
    alice.locator(".message.blocked").wait_for()
    bruno.wait_for_timeout(500)
    assert "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa" not in bruno.inner_text("#messages")
