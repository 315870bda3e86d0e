"""People in the web client: a member's bio in my language, my own bio and settings, the
interface language, reporting and blocking, all in accessible dialogs."""

import re

from playwright.sync_api import expect

from tests.e2e.chat_page import ChatPage


def test_bios_read_in_my_language_and_settings_change_the_interface_language(demo_server, browser):
    alice = ChatPage.login(browser, demo_server, "alice")
    bruno = ChatPage.login(browser, demo_server, "bruno")

    alice.page.click("#peer-button")
    profile = alice.dialog("profile")
    expect(profile).to_have_attribute("aria-labelledby", re.compile("title"))
    expect(profile.locator(".dialog-title")).to_have_text("Bruno")
    expect(profile.locator(".bio-note")).to_have_text("Translated from Spanish")
    expect(profile.locator(".demo-label")).to_be_visible()
    profile.locator("button", has_text="Show original").click()
    expect(profile.locator(".bio-text[lang=es]")).to_contain_text("Cocinero en Valencia")
    alice.page.keyboard.press("Escape")
    expect(profile).to_have_count(0)
    expect(alice.page.locator("#peer-button")).to_be_focused()  # focus goes back

    alice.page.click("#settings-button")
    settings = alice.dialog("settings")
    settings.get_by_label("About me").fill("I love hiking, jazz and good coffee.")
    settings.locator("button[type=submit]").click()
    expect(settings).to_have_count(0)
    expect(alice.page.locator("#settings-button")).to_be_focused()

    bruno.page.click("#peer-button")
    seen = bruno.dialog("profile")
    expect(seen.locator(".bio-text[lang=en]")).to_have_text("I love hiking, jazz and good coffee.")
    bruno.page.keyboard.press("Escape")

    # The reading language: conversations that follow it follow it at once.
    alice.page.click("#settings-button")
    alice.dialog("settings").get_by_label("I read messages in").select_option("fr")
    alice.dialog("settings").locator("button[type=submit]").click()
    expect(alice.page.locator("#translate-language")).to_have_value("fr")
    expect(alice.page.locator("html")).to_have_attribute("lang", "en")  # no reload

    # The interface language: the page reloads in it.
    alice.page.click("#settings-button")
    alice.dialog("settings").get_by_label("Interface language").select_option("es")
    alice.dialog("settings").locator("button[type=submit]").click()
    alice.page.wait_for_function("document.documentElement.lang === 'es'")
    alice.wait_online()
    expect(alice.page.locator("#settings-button")).not_to_have_text("Settings")
    alice.close()
    bruno.close()


def test_i_report_a_message_and_a_member_then_block_and_the_conversation_closes_for_both(
    demo_server, browser
):
    alice = ChatPage.login(browser, demo_server, "alice")
    bruno = ChatPage.login(browser, demo_server, "bruno")
    bruno.send("do you like jazz concerts")
    message = alice.other("jazz concerts")
    expect(message).to_be_visible()

    alice.actions(message, "Report")
    report = alice.dialog("report")
    expect(report.locator("blockquote")).to_contain_text("jazz concerts")
    report.locator("button[type=submit]").click()
    expect(report.locator(".dialog-error")).to_have_text("Choose what is wrong.")
    report.get_by_label("Scam or fraud").check()
    report.get_by_label("Anything a moderator should know (optional)").fill("asked for money")
    report.locator("button[type=submit]").click()
    expect(report).to_have_count(0)
    expect(alice.page.locator("#announcer")).to_have_text(
        "Thank you. A moderator will look at your report."
    )

    alice.page.click("#conversation-menu-button")
    expect(alice.page.locator("#conversation-menu")).to_be_visible()
    alice.page.keyboard.press("Escape")
    expect(alice.page.locator("#conversation-menu")).to_be_hidden()
    expect(alice.page.locator("#conversation-menu-button")).to_be_focused()
    alice.page.click("#conversation-menu-button")
    alice.page.locator("#conversation-menu button", has_text="Report").click()
    member_report = alice.dialog("report")
    expect(member_report.locator(".dialog-title")).to_have_text("Report Bruno")
    member_report.get_by_label("Spam").check()
    member_report.locator("button[type=submit]").click()
    expect(member_report).to_have_count(0)

    alice.page.click("#conversation-menu-button")
    alice.page.locator("#conversation-menu button", has_text="Block").click()
    block = alice.dialog("block")
    expect(block.locator(".dialog-title")).to_have_text("Block Bruno?")
    block.locator("button[type=submit]").click()
    expect(alice.page.locator("#closed-banner")).to_contain_text("closed because of a block")
    expect(alice.page.locator("#composer")).to_be_hidden()
    expect(bruno.page.locator("#closed-banner")).to_contain_text("closed because of a block")
    expect(bruno.page.locator("#composer")).to_be_hidden()
    expect(bruno.row("Alice").locator(".closed-tag")).to_have_text("Closed")
    expect(alice.other("jazz concerts")).to_be_visible()  # still readable
    alice.close()
    bruno.close()
