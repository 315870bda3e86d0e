"""Who is online: a user is online while at least one of their sockets is open and answering
heartbeats, on any ASGI process.

Each socket holds a lease that its heartbeats renew (`PRESENCE_LEASE` seconds, a little more than
two client pings). In the scale-out mode the leases of a user are a Redis sorted set (member: the
socket's channel name, score: when its lease ends), so every process sees every socket, and a
process that dies leaves leases that simply run out. In the embedded mode there is one process,
and a dict holds them. "Last seen" is kept with the leases while it is fresh and written to the
profile when the last socket closes, so it survives Redis.

`connect` and `disconnect` say whether the user's online state changed, so the consumer tells
the user's conversations only then.
"""

import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime

import redis
from django.conf import settings

from chat.models import Profile
from chat.redis_clients import async_client, sync_client

_LEASES = "xlate:presence:{}"
_SEEN = "xlate:seen:{}"
# Leases of one user: drop the ended ones, then add or renew this socket's, atomically; returns
# how many live leases there were before (0: the user just came online).
_RENEW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local before = redis.call('ZCARD', KEYS[1])
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then before = before - 1 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[2], ARGV[5], 'EX', ARGV[6])
return before
"""
# Drop this socket's lease; returns how many live leases are left.
_DROP = """
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4])
return redis.call('ZCARD', KEYS[1])
"""
SEEN_KEEP = 7 * 24 * 3600

_lock = threading.Lock()
_local: dict[int, dict[str, float]] = {}
_local_seen: dict[int, float] = {}


def _lease() -> float:
    return float(settings.PRESENCE_LEASE)


async def connect(user_id: int, channel: str) -> bool:
    """Take or renew this socket's lease. True when the user was offline until now."""
    now = time.time()
    if not settings.REDIS_URL:
        with _lock:
            leases = _live(_local.setdefault(user_id, {}), now)
            before = len(leases) - (channel in leases)
            leases[channel] = now + _lease()
            _local_seen[user_id] = now
        return before == 0
    before = await async_client().eval(
        _RENEW,
        2,
        _LEASES.format(user_id),
        _SEEN.format(user_id),
        now,
        now + _lease(),
        channel,
        int(_lease()) + 60,
        now,
        SEEN_KEEP,
    )
    return int(before) == 0


renew = connect


async def disconnect(user_id: int, channel: str) -> bool:
    """Give this socket's lease back. True when the user has no live socket left."""
    now = time.time()
    if not settings.REDIS_URL:
        with _lock:
            leases = _live(_local.get(user_id, {}), now)
            leases.pop(channel, None)
            _local_seen[user_id] = now
            if not leases:
                _local.pop(user_id, None)
            return not leases
    left = await async_client().eval(
        _DROP, 2, _LEASES.format(user_id), _SEEN.format(user_id), now, channel, now, SEEN_KEEP
    )
    return int(left) == 0


def presence_of(user_ids: Iterable[int]) -> dict[int, tuple[bool, datetime | None]]:
    """(online, last seen) of each user; last seen is None while online or if never seen."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    now = time.time()
    online: dict[int, bool] = {}
    seen: dict[int, float | None] = {}
    if not settings.REDIS_URL:
        with _lock:
            for uid in ids:
                online[uid] = bool(_live(_local.get(uid, {}), now))
                seen[uid] = _local_seen.get(uid)
    else:
        try:
            pipe = sync_client().pipeline(transaction=False)
            for uid in ids:
                pipe.zcount(_LEASES.format(uid), now, "+inf")
                pipe.get(_SEEN.format(uid))
            replies = pipe.execute()
        except redis.RedisError:
            replies = [0, None] * len(ids)
        for index, uid in enumerate(ids):
            online[uid] = int(replies[2 * index]) > 0
            value = replies[2 * index + 1]
            seen[uid] = float(value) if value is not None else None
    stored = dict(
        Profile.objects.filter(user_id__in=[u for u in ids if not online[u]]).values_list(
            "user_id", "last_seen_at"
        )
    )
    result: dict[int, tuple[bool, datetime | None]] = {}
    for uid in ids:
        if online[uid]:
            result[uid] = (True, None)
            continue
        fresh = datetime.fromtimestamp(seen[uid], UTC) if seen[uid] is not None else None
        candidates = [t for t in (fresh, stored.get(uid)) if t is not None]
        result[uid] = (False, max(candidates) if candidates else None)
    return result


def last_seen_store(user_id: int) -> datetime:
    """Write "last seen: now" to the profile (the user's last socket closed)."""
    now = datetime.now(UTC)
    Profile.objects.filter(user_id=user_id).update(last_seen_at=now)
    return now


def _live(leases: dict[str, float], now: float) -> dict[str, float]:
    for channel in [c for c, ends in leases.items() if ends <= now]:
        del leases[channel]
    return leases
