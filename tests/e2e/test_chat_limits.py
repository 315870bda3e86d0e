"""The web client at the limits: an over-long paste, the rate limit's cooldown, a mute, failed
bubbles that survive a reload, and a session that ended while the page was open."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.chat_page import ChatPage

WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@pytest.fixture
def demo_settings():
    return {"CHAT_RATE_LIMIT": "3/10second", "CHAT_MAX_MESSAGE_CHARS": "500"}


def test_a_long_paste_is_flagged_never_cut_and_the_rate_limit_shows_a_cooldown(
    demo_server, browser
):
    alice = ChatPage.login(browser, demo_server, "alice")
    page = alice.page

    page.focus("#message-input")
    page.keyboard.insert_text("word " * 120)  # 600 characters, pasted
    note = page.locator("#composer-note")
    expect(note).to_have_text(
        "Your message is 599 characters long; the limit is 500. Shorten it to send it."
    )
    expect(page.locator("#send-button")).to_be_disabled()
    page.press("#message-input", "Enter")
    assert len(page.input_value("#message-input")) == 600  # nothing was cut
    expect(page.locator("#messages .message")).to_have_count(0)
    page.fill("#message-input", "")
    expect(note).to_have_text("")

    for text in ("one", "two", "three"):
        alice.send(text)
    alice.send("four")
    failed = alice.own("four")
    expect(failed).to_have_class("message own failed")
    expect(failed.locator(".state")).to_contain_text(
        re.compile(r"You are sending messages too fast\. You can send again in \d+ s\.")
    )
    expect(page.locator("#composer-wait")).to_have_text(
        re.compile(r"You can send again in \d+ s\.")
    )
    page.fill("#message-input", "five")
    expect(page.locator("#send-button")).to_be_disabled()
    expect(page.locator("#error-text")).to_contain_text("too fast")

    # The failed bubble is still there after a reload, and its Retry works once the wait is over.
    page.reload()
    alice.wait_online()
    retry = alice.own("four").locator(".state button", has_text="Retry")
    expect(retry).to_be_visible()
    expect(retry).to_be_enabled(timeout=15_000)
    retry.click()
    expect(alice.own("four").locator(".ticks")).to_have_attribute(
        "data-tick", re.compile("sent|delivered|read")
    )
    expect(alice.own("four")).not_to_have_class("message own failed")
    alice.close()


def test_a_muted_sender_is_told_until_when_and_can_discard_what_was_refused(demo_server, browser):
    chloe = ChatPage.login(browser, demo_server, "chloe")
    chloe.page.click("#new-conversation")
    chloe.dialog("new-conversation").locator(".contact", has_text="Alice").click()
    expect(chloe.page.locator("#peer-name")).to_have_text("Alice")

    for n in range(3):  # three blocked messages make a repeat offender, muted for an hour
        chloe.send(f"pay {WALLET} ({n})")
        expect(chloe.own(f"({n})")).to_have_class("message own blocked")
    chloe.send("sorry")
    refused = chloe.own("sorry")
    expect(refused.locator(".state")).to_contain_text(
        re.compile(r"You are muted until \d{1,2}:\d\d( [AP]M)? and cannot send messages")
    )
    expect(refused.locator(".state button", has_text="Retry")).to_have_count(0)
    expect(chloe.page.locator("#composer-wait")).to_contain_text("You are muted until")
    refused.locator(".state button", has_text="Discard").click()
    expect(refused).to_have_count(0)
    chloe.page.reload()
    chloe.wait_online()
    expect(chloe.page.locator("#messages .message.blocked")).to_have_count(3)
    expect(chloe.own("sorry")).to_have_count(0)
    chloe.close()


def test_when_the_session_ends_the_page_says_so_and_stops_reconnecting(demo_server, browser):
    alice = ChatPage.login(browser, demo_server, "alice")
    sockets = []

    def through(route):
        sockets.append(route)
        route.connect_to_server()

    alice.page.route_web_socket(re.compile(r"/ws/chat/$"), through)
    alice.page.reload()
    alice.wait_online()

    other_tab = alice.page.context.new_page()
    other_tab.goto(demo_server + "/")
    other_tab.click(".logout-form button")
    other_tab.wait_for_url(lambda url: "/login" in url or url.rstrip("/") == demo_server)
    other_tab.close()
    sockets[-1].close(code=1012, reason="service restart")  # the connection drops, as in a deploy

    overlay = alice.page.locator("#signed-out")
    expect(overlay).to_be_visible()
    expect(overlay.locator("h2")).to_have_text("You are signed out")
    expect(overlay.locator("a")).to_have_attribute("href", "/login/?next=/")
    expect(alice.page.locator("#connection-status")).to_have_attribute("data-state", "signedout")
    attempts = len(sockets)
    alice.page.wait_for_timeout(3000)
    assert len(sockets) == attempts  # no more reconnecting
    alice.screenshot("desktop-light-signed-out")
    alice.close()
