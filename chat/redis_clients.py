"""The Redis clients of one process for what chat keeps in Redis itself (latest numbers,
presence): one synchronous client, and one asyncio client per event loop (an asyncio client
belongs to the loop it was made in)."""

import asyncio
import threading
import weakref

import redis
import redis.asyncio
from django.conf import settings

_lock = threading.Lock()
_sync: list[redis.Redis] = []
_async: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def sync_client() -> redis.Redis:
    with _lock:
        if not _sync:
            _sync.append(redis.Redis.from_url(settings.REDIS_URL))
        return _sync[0]


def async_client() -> redis.asyncio.Redis:
    loop = asyncio.get_running_loop()
    with _lock:
        client = _async.get(loop)
        if client is None:
            client = _async[loop] = redis.asyncio.Redis.from_url(settings.REDIS_URL)
        return client
