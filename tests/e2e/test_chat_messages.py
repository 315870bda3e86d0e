"""Messages in the web client: history with lazy scroll-back, day separators, and editing and
deleting my own messages (also when the safety check refuses the edit)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.chat_page import ChatPage

WALLET = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@pytest.fixture
def demo_settings():
    return {"CHAT_RATE_LIMIT": "1000/10second"}  # room to write a long history quickly


def send_many(chat: ChatPage, conversation: int, count: int) -> None:
    """Send `count` messages over a socket of the page's own (faster than typing them)."""
    answers = chat.page.evaluate(
        """async ([conversation, count]) => {
            const ws = new WebSocket(`ws://${location.host}/ws/chat/`);
            await new Promise((resolve) => { ws.onopen = resolve; });
            const answered = new Promise((resolve) => {
                const seen = [];
                ws.onmessage = (event) => {
                    const frame = JSON.parse(event.data);
                    const answer = ["message.accepted", "error"].includes(frame.type);
                    if (answer) seen.push(frame.type);
                    if (seen.length === count) resolve(seen);
                };
                ws.onclose = () => resolve(seen);
                setTimeout(() => resolve(seen), 60000);
            });
            for (let i = 1; i <= count; i++) {
                ws.send(JSON.stringify({type: "message.send", conversation, client_id: `bulk-${i}`,
                                        text: `History message number ${i}`}));
            }
            const seen = await answered;
            ws.close();
            return seen;
        }""",
        [conversation, count],
    )
    assert answers == ["message.accepted"] * count, answers


def test_history_loads_older_pages_at_the_top_and_keeps_the_reader_in_place(demo_server, browser):
    alice = ChatPage.login(browser, demo_server, "alice")
    conversation = int(alice.row("Bruno").get_attribute("data-conversation-id"))
    send_many(alice, conversation, 70)
    expect(alice.own("History message number 70").locator(".ticks")).to_have_attribute(
        "data-tick", "sent"
    )

    bruno = ChatPage.login(browser, demo_server, "bruno")
    expect(bruno.other("History message number 70")).to_be_visible()
    # The latest page only (50 messages), at the bottom, under one day separator.
    expect(bruno.page.locator("#messages .message")).to_have_count(50)
    expect(bruno.page.locator("#messages .day-separator")).to_have_text(["Today"])
    first_shown = bruno.page.locator('#messages [data-client-id="bulk-21"]')

    bruno.page.locator("#messages").evaluate("node => { node.scrollTop = 0; }")
    expect(bruno.page.locator("#messages .message")).to_have_count(70)
    expect(bruno.page.locator('#messages [data-client-id="bulk-1"]')).to_be_attached()
    # The reader stays where they were: the message that was at the top is still in view.
    expect(first_shown).to_be_in_viewport()
    expect(bruno.page.locator("#messages .day-separator")).to_have_count(1)
    alice.close()
    bruno.close()


def test_i_edit_and_delete_my_messages_and_a_refused_edit_says_so(demo_server, browser):
    alice = ChatPage.login(browser, demo_server, "alice")
    bruno = ChatPage.login(browser, demo_server, "bruno")

    alice.send("See you at eight tonight")
    expect(bruno.other("See you at eight tonight")).to_be_visible()
    alice.actions(alice.own("See you at eight tonight"), "Edit")
    expect(alice.page.locator("#edit-banner")).to_be_visible()
    expect(alice.page.locator("#message-input")).to_have_value("See you at eight tonight")
    alice.page.fill("#message-input", "See you at nine tonight")
    alice.page.press("#message-input", "Enter")

    edited = bruno.other("See you at nine tonight")
    expect(edited.locator(".edited")).to_have_text("edited")
    expect(bruno.other("See you at eight tonight")).to_have_count(0)
    expect(alice.own("See you at nine tonight").locator(".edited")).to_be_visible()

    alice.actions(alice.own("See you at nine tonight"), "Edit")
    alice.page.fill("#message-input", f"send the deposit to {WALLET}")
    alice.page.press("#message-input", "Enter")
    note = alice.own("See you at nine tonight").locator(".edit-note")
    expect(note).to_contain_text("Your edit was not applied")
    expect(bruno.other("See you at nine tonight")).to_be_visible()
    assert WALLET not in bruno.page.inner_text("#messages")

    alice.actions(alice.own("See you at nine tonight"), "Delete")
    dialog = alice.dialog("delete")
    expect(dialog).to_be_visible()
    dialog.locator("button[type=submit]").click()
    expect(bruno.page.locator("#messages .message.deleted .stub")).to_have_text("Message deleted")
    expect(alice.page.locator("#messages .message.deleted .stub")).to_have_text(
        "You deleted this message"
    )
    assert "nine tonight" not in bruno.page.inner_text("#messages")
    # Focus went back to the message the dialog was opened from, not lost to the page.
    assert alice.page.evaluate("document.activeElement.closest('.message.deleted') !== null")
    alice.close()
    bruno.close()
