"""The latest sequence number of each conversation, so a heartbeat needs no database query.

Delivery records a conversation's new last number once it commits, and so does a subscribe;
a socket's ping reads the numbers of all its conversations at once. A number only ever grows:
a writer that comes late never lowers one. In the scale-out mode they live in Redis, a key per
conversation kept a minute: should a write fail while the key survives (a broadcast and its
record lost together), a heartbeat trusts the stale number for a minute at most, and a quiet
conversation costs one database read a minute, not one a ping. In the embedded mode the
pipeline runs in the server process and a dict is exact. A conversation with no recorded number
is read from the database, and recorded.
"""

import contextlib
import threading
from collections.abc import Iterable

import redis
from channels.db import database_sync_to_async
from django.conf import settings

from chat.redis_clients import async_client, sync_client
from chat.selectors import conversations_last_seq

KEEP_SECONDS = 60
_KEY = "xlate:last-seq:{}"
# SET the key to the number unless it holds a greater one.
_RAISE = """
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
end
"""

_lock = threading.Lock()
_local: dict[int, int] = {}


def record(conversation_id: int, last_seq: int) -> None:
    """Remember that `conversation_id` has reached `last_seq` (call after commit)."""
    if not settings.REDIS_URL:
        with _lock:
            if last_seq > _local.get(conversation_id, -1):
                _local[conversation_id] = last_seq
        return
    # Redis unreachable: its keys are lost or stale-low, never too high; heartbeats go on.
    with contextlib.suppress(redis.RedisError):
        sync_client().eval(_RAISE, 1, _KEY.format(conversation_id), last_seq, KEEP_SECONDS)


async def latest(conversation_ids: Iterable[int]) -> dict[int, int]:
    """The latest number of each conversation."""
    ids = list(conversation_ids)
    found: dict[int, int] = {}
    if not settings.REDIS_URL:
        with _lock:
            found = {cid: _local[cid] for cid in ids if cid in _local}
    else:
        try:
            values = await async_client().mget([_KEY.format(cid) for cid in ids])
            found = {cid: int(v) for cid, v in zip(ids, values, strict=True) if v is not None}
        except redis.RedisError:
            found = {}
    missing = [cid for cid in ids if cid not in found]
    if missing:
        found |= await _from_database(missing)
    return found


@database_sync_to_async
def _from_database(conversation_ids: list[int]) -> dict[int, int]:
    numbers = conversations_last_seq(conversation_ids=conversation_ids)
    for cid, seq in numbers.items():
        record(cid, seq)
    return numbers
