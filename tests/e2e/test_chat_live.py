"""The web client live: the conversation list, receipts, presence, typing, links, new
conversations and right-to-left text, as two or three demo users see them."""

import re

from playwright.sync_api import expect

from tests.e2e.chat_page import PHONE, ChatPage


def test_the_list_counts_unread_in_my_language_and_ticks_follow_delivery_then_reading(
    demo_server, browser
):
    bruno = ChatPage.login(browser, demo_server, "bruno", device=PHONE)  # the list, on a phone
    alice = ChatPage.login(browser, demo_server, "alice")
    expect(alice.page.locator("#peer-name")).to_have_text("Bruno")
    expect(alice.page.locator("#peer-presence")).to_have_text("online")

    alice.send("Good morning, how are you? The menu: https://example.com/menu.")

    row = bruno.row("Alice")
    expect(row.locator(".badge")).to_have_text("1")
    expect(row.locator(".conversation-preview")).to_contain_text(re.compile("buenos días", re.I))
    # Bruno's page has it (a `received` receipt) but he has not opened it: two grey ticks.
    mine = alice.own("Good morning")
    expect(mine.locator(".ticks")).to_have_attribute("data-tick", "delivered")

    bruno.open("Alice")
    expect(mine.locator(".ticks")).to_have_attribute("data-tick", "read")
    expect(row.locator(".badge")).to_have_count(0)
    link = bruno.other("Good morning").locator(".original a")
    expect(link).to_have_attribute("href", "https://example.com/menu")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_text("https://example.com/menu")  # the full stop is not part of it

    bruno.page.type("#message-input", "hola")
    expect(alice.page.locator("#typing-line")).to_have_text("Bruno is typing…")
    bruno.page.press("#message-input", "Enter")
    expect(alice.other("hola")).to_be_visible()
    expect(alice.page.locator("#typing-line")).to_have_text("")
    expect(alice.row("Bruno").locator(".conversation-preview")).to_have_text("hola")

    bruno.page.click("#back-button")
    expect(bruno.row("Alice")).to_be_visible()
    bruno.screenshot("phone-list-light")
    bruno.close()
    expect(alice.page.locator("#peer-presence")).to_have_text(re.compile("^last seen"))
    alice.close()


def test_a_new_conversation_reaches_the_list_live_and_arabic_reads_right_to_left(
    demo_server, browser
):
    alice = ChatPage.login(browser, demo_server, "alice")
    layla = ChatPage.login(browser, demo_server, "layla")

    layla.page.click("#new-conversation")
    picker = layla.dialog("new-conversation")
    expect(picker).to_be_visible()
    expect(picker.locator(".contact")).not_to_have_count(0)
    picker.locator(".contact", has_text="Alice").click()
    expect(picker).to_have_count(0)
    expect(layla.page.locator("#peer-name")).to_have_text("Alice")

    arabic = "مرحبا يا أليس، كيف حالك اليوم؟ أتمنى أن يكون يومك جميلا"
    layla.send(arabic)
    row = alice.row("Layla")
    expect(row).to_be_visible()  # conversation.new: no reload
    expect(row.locator(".badge")).to_have_text("1")

    alice.open("Layla")
    original = alice.other(arabic).locator(".original")
    expect(original).to_have_attribute("dir", "auto")
    alice.page.wait_for_function(
        """text => [...document.querySelectorAll("#messages .original")].some(
            node => node.textContent === text && getComputedStyle(node).direction === "rtl")""",
        arg=arabic,
    )
    # Labelled with the language the server detected, never with Layla's profile language.
    tag = alice.other(arabic).locator(".lang")
    assert tag.count() == 0 or tag.inner_text().strip().lower() != "en"
    alice.close()
    layla.close()
