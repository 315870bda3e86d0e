"""What the web client shows of moderation: my blocked and held messages (kept across a
reload, appealable), and a moderator's approve or reject reaching both sides live, once."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.chat_page import ChatPage
from tests.e2e.conftest import PASSWORD

WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
LATEST = "/moderation/cases/latest"  # the newest case id, for staff


@pytest.fixture
def demo_settings():
    # Contact details flagged whole rather than masked in the first messages (test_masking.py).
    return {
        "MODERATION_ACTIONS": json.dumps({"phone": "hold"}),
        "MODERATION_MASK_FIRST_MESSAGES": "0",
    }


class Moderator:
    """A superuser working the queue in the admin, in a browser of their own."""

    def __init__(self, browser, base: str, manage) -> None:
        manage(
            "createsuperuser", "--noinput", "--username", "mod", "--email", "mod@example.com",
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )  # fmt: skip
        self.base = base
        self.page = browser.new_context().new_page()
        self.page.set_default_timeout(20_000)
        self.page.on("dialog", lambda dialog: dialog.accept())  # the admin's confirm()
        self.page.goto(base + "/admin/login/")
        self.page.fill("input[name=username]", "mod")
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url(lambda url: "/login/" not in url)
        self.seen = self.latest()

    def latest(self) -> int:
        return self.page.evaluate(
            "async (url) => (await (await fetch(url)).json()).latest_id", LATEST
        )

    def decide_next(self, decision: str) -> None:
        """Decide the next case that arrives (the pipeline opens it in the background)."""
        self.page.wait_for_function(
            "async ([url, seen]) => (await (await fetch(url)).json()).latest_id > seen",
            arg=[LATEST, self.seen],
            polling=250,
        )
        self.seen = self.latest()
        self.page.goto(f"{self.base}/admin/moderation/moderationcase/{self.seen}/change/")
        self.page.click(f"button.moderation-decision-{decision}")
        expect(self.page.locator(".messagelist")).to_be_visible()


def test_blocked_and_held_messages_stay_with_their_sender_and_moderators_decide_them_live(
    demo_server, demo_manage, browser
):
    alice = ChatPage.login(browser, demo_server, "alice")
    bruno = ChatPage.login(browser, demo_server, "bruno")
    moderator = Moderator(browser, demo_server, demo_manage)

    # Blocked: said in words, kept after a reload (the history API returns it), appealable.
    alice.send(f"my wallet is {WALLET}")
    blocked = alice.own(WALLET)
    expect(blocked).to_have_class("message own blocked")
    expect(blocked.locator(".state")).to_contain_text(
        "Not delivered: it contains a crypto wallet address."
    )
    alice.page.reload()
    alice.wait_online()
    expect(blocked.locator(".state")).to_contain_text("it contains a crypto wallet address")
    blocked.locator(".state button", has_text="Appeal").click()
    appeal = alice.dialog("appeal")
    expect(appeal.locator("blockquote")).to_have_text(f"my wallet is {WALLET}")
    appeal.locator("textarea").fill("It is my own address, for a joke")
    appeal.locator("button[type=submit]").click()
    expect(blocked.locator(".appealed")).to_be_visible()
    alice.screenshot("desktop-light-moderation")

    # The moderator approves it: Bruno gets it, and Alice sees one delivered bubble, not two.
    moderator.decide_next("approve")
    expect(bruno.other(WALLET)).to_be_visible()
    expect(alice.bubble(WALLET)).to_have_count(1)
    expect(alice.own(WALLET)).not_to_have_class("message own blocked")
    expect(alice.own(WALLET).locator(".ticks")).to_have_attribute("data-tick", "read")

    # Held, then rejected: the sender is told, the reader never sees it.
    alice.send("call me on +34 612 345 678 tonight")
    held = alice.own("612 345 678")
    expect(held.locator(".state")).to_contain_text("Held for review")
    moderator.decide_next("reject")
    expect(held.locator(".state")).to_have_text("Removed by a moderator: not delivered.")
    assert "612 345 678" not in bruno.page.inner_text("#messages")

    # An edit the policy holds leaves the message as it was, and says so.
    alice.send("Shall we talk on the phone?")
    expect(bruno.other("on the phone")).to_be_visible()
    alice.actions(alice.own("on the phone"), "Edit")
    alice.page.fill("#message-input", "Shall we talk on the phone? +34 612 345 679")
    alice.page.press("#message-input", "Enter")
    expect(alice.own("on the phone").locator(".edit-note")).to_have_text(
        "Your edit is waiting for a moderator; everyone sees the earlier text until then."
    )
    expect(bruno.other("on the phone").locator(".edited")).to_have_count(0)
    assert "612 345 679" not in bruno.page.inner_text("#messages")
    moderator.seen = moderator.latest()  # that edit's case waits in the queue

    # Delivered (flagged for review), then rejected: both sides are told, nobody keeps the text.
    alice.send("write to me at alice.demo@example.com")
    expect(bruno.other("alice.demo@example.com")).to_be_visible()
    moderator.decide_next("reject")
    expect(bruno.page.locator("#messages .message.rejected .stub")).to_have_text(
        "Message removed by a moderator"
    )
    assert "alice.demo@example.com" not in bruno.page.inner_text("#messages")
    expect(alice.own("alice.demo@example.com").locator(".state")).to_have_text(
        "Removed by a moderator."
    )
    alice.close()
    bruno.close()
