"""The phone layout (the list, then one conversation with a back button) and the screenshots
in docs/screenshots/, light and dark, desktop and phone."""

from playwright.sync_api import expect

from tests.e2e.chat_page import PHONE, ChatPage

ARABIC = "مساء الخير يا أليس! هل تحبين القهوة؟"


def test_the_phone_shows_the_list_then_one_conversation_and_the_screens_are_recorded(
    demo_server, browser
):
    alice = ChatPage.login(browser, demo_server, "alice")
    bruno = ChatPage.login(browser, demo_server, "bruno", device=PHONE, dark=True, interface=None)
    layla = ChatPage.login(browser, demo_server, "layla")

    alice.send("Good morning Bruno! Are we still on for dinner at eight?")
    row = bruno.row("Alice")
    expect(row.locator(".badge")).to_have_text("1")
    expect(bruno.page.locator("#pane")).to_be_hidden()
    bruno.screenshot("phone-list-dark")

    row.click()
    expect(bruno.page.locator(".sidebar")).to_be_hidden()
    expect(bruno.page.locator("#back-button")).to_be_visible()
    expect(bruno.other("dinner at eight").locator(".translation")).to_be_visible()
    alice.page.check("#translate-toggle")  # Alice reads Bruno in English from now on
    expect(alice.page.locator("#translate-toggle")).to_be_checked()
    bruno.send("¡Claro! Reservé mesa aquí: https://example.com/la-pergola")
    expect(alice.other("Reservé mesa").locator(".translation")).to_be_visible()
    expect(alice.other("Reservé mesa").locator(".original a")).to_have_attribute(
        "href", "https://example.com/la-pergola"
    )
    layla.page.click("#new-conversation")
    layla.dialog("new-conversation").locator(".contact", has_text="Alice").click()
    layla.send(ARABIC)
    expect(alice.row("Layla").locator(".badge")).to_have_text("1")
    expect(alice.own("dinner at eight").locator(".ticks")).to_have_attribute("data-tick", "read")
    alice.page.locator("#message-input").blur()
    alice.screenshot("desktop-light")
    bruno.page.locator("#message-input").blur()
    bruno.screenshot("phone-conversation-dark")

    # The phone's header has no room for the translation controls: they are in the menu.
    expect(bruno.page.locator("#translate-toggle")).to_be_hidden()
    bruno.page.click("#conversation-menu-button")
    bruno.page.click("#conversation-menu [data-action=translation]")
    translation = bruno.dialog("translation")
    expect(translation.locator("input[type=checkbox]")).to_be_checked()
    expect(translation.locator("select")).to_have_value("es")
    bruno.page.keyboard.press("Escape")
    expect(translation).to_have_count(0)

    bruno.page.click("#back-button")
    expect(bruno.page.locator(".sidebar")).to_be_visible()
    expect(bruno.page.locator("#pane")).to_be_hidden()
    expect(bruno.row("Alice")).to_be_focused()
    bruno.close()

    dark = ChatPage.login(browser, demo_server, "alice", dark=True)
    dark.open("Layla")
    expect(dark.other(ARABIC)).to_be_visible()
    dark.page.locator("#message-input").blur()
    dark.screenshot("desktop-dark")
    dark.close()

    light = ChatPage.login(browser, demo_server, "bruno", device=PHONE, interface=None)
    light.open("Alice")
    expect(light.other("dinner at eight")).to_be_visible()
    light.page.locator("#message-input").blur()
    light.screenshot("phone-conversation-light")
    light.close()
    alice.close()
    layla.close()
