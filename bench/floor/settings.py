"""Settings of the floor server: Channels only, no database; FLOOR_LAYER picks the layer.

    FLOOR_LAYER=pubsub REDIS_URL=redis://127.0.0.1:6379/0   channels_redis RedisPubSubChannelLayer
    FLOOR_LAYER=memory                                     channels InMemoryChannelLayer

    DJANGO_SETTINGS_MODULE=bench.floor.settings FLOOR_LAYER=memory \
        .venv/bin/uvicorn bench.floor.asgi:application --lifespan off --no-access-log
"""

import os

SECRET_KEY = "floor-benchmark-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["channels"]
USE_TZ = True

if os.environ.get("FLOOR_LAYER", "memory") == "pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # redis-py 8's default 5 s socket timeout kills idle subscribers (design.md).
            "CONFIG": {"hosts": [{"address": os.environ["REDIS_URL"], "socket_timeout": None}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
