"""kombu's Redis transport, with one redis-py client per connection pool instead of one per
command.

kombu builds a `redis.Redis` for every publish and every acknowledgement, and redis-py 8 fills
a table of some 170 response callbacks in each constructor: a sixth of the CPU of publishing a
task here (cProfile of `send_task`). A client is thread-safe, and a new pool (after a
reconnection) gets a new client. Selected with CELERY_BROKER_TRANSPORT in settings.
"""

from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    _reused: tuple[object, object] | None = None

    def _create_client(self, asynchronous=False):
        if asynchronous:  # the blocking reads keep kombu's own handling
            return super()._create_client(asynchronous=True)
        pool = self.pool
        if self._reused is None or self._reused[0] is not pool:
            self._reused = (pool, super()._create_client(asynchronous=False))
        return self._reused[1]


class Transport(kombu_redis.Transport):
    Channel = Channel
