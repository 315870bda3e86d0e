"""A demo user at the web client, as the tests drive it: log in, open, send, find bubbles."""

from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import PASSWORD
from tests.support.servers import ROOT

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
SCREENSHOTS = ROOT / "docs" / "screenshots"

expect.set_options(timeout=20_000)


class ChatPage:
    def __init__(self, page: Page, base: str, username: str) -> None:
        self.page = page
        self.base = base
        self.username = username
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    @classmethod
    def login(
        cls,
        browser: Browser,
        base: str,
        username: str,
        *,
        device: dict = DESKTOP,
        dark: bool = False,
        interface: str | None = "en",
    ) -> "ChatPage":
        """Sign in; `interface` first sets the interface language over the API (the demo users
        otherwise see the page in the language they read)."""
        context = browser.new_context(
            **device, color_scheme="dark" if dark else "light", locale="en-US", timezone_id="UTC"
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        chat = cls(page, base, username)
        page.goto(base + "/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        if interface is not None:
            chat.api("PATCH", "me", {"interface_language": interface})
            page.reload()
        chat.wait_online()
        return chat

    def wait_online(self) -> None:
        expect(self.page.locator("#connection-status")).to_have_attribute("data-state", "online")

    def api(self, method: str, path: str, body: dict | None = None) -> dict | None:
        """Call the client API from the page (the session cookie and CSRF token, as the client)."""
        return self.page.evaluate(
            """async ([method, path, body]) => {
                const token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
                const response = await fetch("/api/v1/" + path, {
                    method, credentials: "same-origin",
                    headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                    body: body === null ? undefined : JSON.stringify(body),
                });
                if (response.status === 204) return null;
                return {status: response.status, body: await response.json()};
            }""",
            [method, path, body],
        )

    # --- the conversation list -------------------------------------------------------------

    def row(self, name: str) -> Locator:
        return self.page.locator(".conversation", has_text=name)

    def open(self, name: str) -> None:
        self.row(name).click()
        expect(self.page.locator("#peer-name")).to_have_text(name)

    # --- the pane -----------------------------------------------------------------------------

    def send(self, text: str) -> None:
        self.page.fill("#message-input", text)
        self.page.press("#message-input", "Enter")

    def bubble(self, text: str) -> Locator:
        return self.page.locator("#messages .message", has_text=text)

    def own(self, text: str) -> Locator:
        return self.page.locator("#messages .message.own", has_text=text)

    def other(self, text: str) -> Locator:
        return self.page.locator("#messages .message.other", has_text=text)

    def actions(self, bubble: Locator, action: str) -> None:
        """Open a bubble's actions and pick one (Edit, Delete, Report)."""
        bubble.hover()
        bubble.locator(".actions-toggle").click()
        bubble.locator(".message-actions button", has_text=action).click()

    def dialog(self, name: str) -> Locator:
        return self.page.locator(f"dialog[data-dialog={name}]")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        assert not self.errors, self.errors
        self.page.context.close()
