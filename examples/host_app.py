"""A dating app's backend talking to xlate, in a few dozen lines (docs/integration.md).

It provisions two of its users, opens the conversation of their match (both read translated),
mints a token for each, opens both chat sockets, and has Tom greet Lucía: she reads him in
Spanish. Then it prints a link for each that opens the web client signed in as them (the
token rides in the fragment, which no server sees, and is traded for a session). Everything it
does is safe to repeat.

    ./scripts/run                                                       # terminal 1
    ./scripts/manage create_api_key --name example                    # prints the key once
    XLATE_API_KEY=xk_... .venv/bin/python examples/host_app.py          # terminal 2
"""

import asyncio
import json
import os
import urllib.request
import uuid

import websockets

BASE = os.environ.get("XLATE_URL", "http://127.0.0.1:8000")
KEY = os.environ["XLATE_API_KEY"]


def api(method: str, path: str, body: dict | None = None) -> dict:
    """One server API call with the host's key."""
    request = urllib.request.Request(
        f"{BASE}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


async def chat(lucia: dict, tom: dict, conversation: int) -> str:
    """Open both users' sockets; Tom writes, and we return what Lucía reads."""
    url = BASE.replace("http", "ws", 1) + lucia["socket_url"]
    async with (
        websockets.connect(url, subprotocols=lucia["subprotocols"]) as hers,
        websockets.connect(url, subprotocols=tom["subprotocols"]) as his,
    ):
        for socket in (hers, his):
            await socket.send(json.dumps({"type": "subscribe", "conversation": conversation}))
            while json.loads(await socket.recv())["type"] != "subscribed":
                pass
        text = "Good morning! How are you?"
        await his.send(json.dumps({
            "type": "message.send", "conversation": conversation,
            "client_id": str(uuid.uuid4()), "text": text,
        }))  # fmt: skip
        while True:
            frame = json.loads(await asyncio.wait_for(hers.recv(), 30))
            if frame["type"] == "message.new":
                translation = frame["message"]["translation"] or {}
                return f"Tom wrote {text!r}; Lucía reads {translation.get('text', text)!r}"


def main() -> None:
    api("PUT", "/users/example-lucia", {"display_name": "Lucía", "language": "es", "country": "ES"})
    api("PUT", "/users/example-tom", {"display_name": "Tom", "language": "en", "country": "GB"})
    match = api(
        "POST",
        "/matches",
        {"match_id": "example-match", "users": ["example-lucia", "example-tom"], "translate": True},
    )
    lucia = api("POST", "/users/example-lucia/tokens")
    tom = api("POST", "/users/example-tom/tokens")
    print(asyncio.run(chat(lucia, tom, match["conversation"])))
    # What the host app's own page would link to (tokens are short-lived: mint one per visit).
    for name, user in (("Lucía", "example-lucia"), ("Tom", "example-tom")):
        token = api("POST", f"/users/{user}/tokens")["token"]
        print(f"Open the chat as {name}: {BASE}/session/open#token={token}")


if __name__ == "__main__":
    main()
