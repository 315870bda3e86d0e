"""The end of a browser session reaches the sockets it opened (logout)."""

import hashlib

from chat.broadcast import broadcast_on_commit, user_group


def session_mark(session_key: str) -> str:
    """What stands for a session key on the channel layer (never the key itself: it is a
    credential, and the layer is Redis)."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


def session_end(*, user_id: int, session_key: str) -> None:
    """Close the sockets the session opened (with 4401); the user's other devices stay."""
    broadcast_on_commit(
        user_group(user_id), {"type": "chat.session_ended", "session": session_mark(session_key)}
    )
