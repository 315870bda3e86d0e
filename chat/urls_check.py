"""Whether a URL given by a client is a plain http(s) URL xlate may store or call.

One pattern, used by the services and stated in the API schema, so that a URL the schema
allows is never refused: an ASCII host name (IDNs in their xn-- form; no IP-literal hosts in
brackets, whose rules Python checks and a pattern cannot), an optional port from 0 to 65535,
then anything but spaces, tabs, line breaks or NUL (spelled out: Python's \\s and
ECMAScript's differ, which the API fuzzer found).
"""

import re
from urllib.parse import urlsplit

MAX_URL = 500
_PORT = r"(?:[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
HTTP_URL = r"^https?://[A-Za-z0-9.-]+(?::" + _PORT + r")?(?:[/?#][^ \t\r\n\x00]*)?$"
_HTTP_URL = re.compile(HTTP_URL)


def is_http_url(value: str) -> bool:
    """Never raises: urlsplit raises ValueError on a malformed IPv6 host or port (the API
    fuzzer found a 500 that way)."""
    if len(value) > MAX_URL or not _HTTP_URL.match(value):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        return False
    return bool(parts.hostname)
