"""Settings for xlate, read only from environment variables (12-factor).

Every variable is documented in README.md. Unset REDIS_URL selects the embedded mode: in-memory
channel layer and the delivery pipeline run in-process; set, it selects the scale-out mode:
channels-redis for the socket fan-out and Celery on Redis for the pipeline.
"""

import json
import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


DEBUG = _env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or DEBUG=1 for local "
            "development (which uses an insecure development key)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")
# Origins besides the page's own (and CSRF_TRUSTED_ORIGINS) that may open the chat socket with
# a session cookie (xlate_site/socket_security.py).
WEBSOCKET_ALLOWED_ORIGINS = _env_list("WEBSOCKET_ALLOWED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "ninja",
    "chat",
    "translation",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (cookie, Accept-Language); interface_language_middleware below
    # replaces it with the signed-in user's setting.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chat.interface_language.interface_language_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xlate_site.urls"
ASGI_APPLICATION = "xlate_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.i18n",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Reused connections: a new PostgreSQL connection per message cost the pipeline a
        # third of its throughput (docs/benchmarks.md).
        conn_max_age=_env_int("DB_CONN_MAX_AGE", 60),
        # A check (SELECT 1) before each request's or socket frame's first query.
        conn_health_checks=_env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and _env_bool(
    "DB_PREPARED_STATEMENTS", True
):
    # PostgreSQL plans a statement the connection ran five times once, not every time: a
    # third less PostgreSQL CPU per message (docs/benchmarks.md). A pooler in transaction mode
    # (PgBouncer before 1.21) cannot keep them: set DB_PREPARED_STATEMENTS=0 behind one.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded mode writes from the socket thread and the pipeline threads: wait for the
    # lock instead of failing with "database is locked", take it at BEGIN (no deadlocking
    # upgrade from reader to writer), and use the write-ahead log: readers never wait for the
    # writer, and a commit does not sync the disk (synchronous=NORMAL keeps every commit
    # through a crash of the process; an operating-system crash can lose the last ones).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The languages of the web client's interface, each with a catalog in locale/ (scripts/i18n
# updates them). Named in their own language: that is how a picker shows them.
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("pt", "Português"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "chat:index"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"

# --- Redis, channel layer, Celery, cache ---------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub layer: no per-process capacity limit that silently drops group messages.
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py 8 defaults to a 5 s socket timeout, which kills idle subscribers.
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": os.environ.get("CHANNEL_PREFIX", "xlate"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "xlate_site.redis_cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xlate",
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery runs the pipeline only when a broker is configured; otherwise the ASGI process runs it
# in its own thread pool (see chat/dispatch.py).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # kombu's Redis transport, reusing its redis-py clients (xlate_site/broker.py).
    CELERY_BROKER_TRANSPORT = "xlate_site.broker:Transport"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = _env_int("PIPELINE_TIME_LIMIT", 120)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 10, 1)
# Redis hands a task that was never acknowledged to another worker after this long. It must be
# longer than any countdown (a translation retry waits up to 30 minutes), or those tasks run
# twice; a pipeline task a dead worker held is found sooner, by the sweep.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# The sweep: pending messages whose hand-off was lost are queued again (run `celery beat`).
# The embedded mode runs the same schedule on a thread of the server process.
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-pending": {
        "task": "chat.requeue_pending",
        "schedule": float(_env_int("PIPELINE_SWEEP_SECONDS", 5)),
    },
    # Messages a dead worker held (PostgreSQL), found in seconds: chat/services/claims.py.
    "requeue-orphans": {
        "task": "chat.requeue_orphans",
        "schedule": float(_env_int("PIPELINE_ORPHAN_SWEEP_SECONDS", 5)),
    },
    "purge-closed-history": {"task": "chat.purge_closed_history", "schedule": 3600.0},
    # Unavailable translations whose retry was lost are queued again.
    "sweep-translation-retries": {
        "task": "chat.sweep_translation_retries",
        "schedule": float(_env_int("TRANSLATION_RETRY_SWEEP_SECONDS", 60)),
    },
}
# Celery's Django fix-up closes the database connection around every task unless this is set,
# which made DB_CONN_MAX_AGE do nothing in workers (a new PostgreSQL backend per message).
# Connections are still dropped when Django finds them obsolete or broken.
CELERY_DB_REUSE_MAX = _env_int("CELERY_DB_REUSE_MAX", 1000)
# A worker that loses Redis (a restart) keeps retrying to reconnect instead of exiting.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None

# --- Chat ----------------------------------------------------------------------------------

CHAT_MAX_MESSAGE_CHARS = _env_int("CHAT_MAX_MESSAGE_CHARS", 4000)
CHAT_MAX_FRAME_BYTES = _env_int("CHAT_MAX_FRAME_BYTES", 64 * 1024)
CHAT_REPLAY_LIMIT = _env_int("CHAT_REPLAY_LIMIT", 500)
CHAT_RATE_LIMIT = os.environ.get("CHAT_RATE_LIMIT", "20/10second")
# Password sign-in, the /login/ form and the token endpoint alike (chat/login.py): attempts
# per client address; then failures past the free ones lock that address out for 1, 2, 4...
# seconds, and a username failed from many addresses backs off only the addresses that failed.
LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10/minute")
LOGIN_FREE_FAILURES = _env_int("LOGIN_FREE_FAILURES", 5)
LOGIN_FAILURE_WINDOW = _env_int("LOGIN_FAILURE_WINDOW", 3600)
LOGIN_BACKOFF_MAX = _env_int("LOGIN_BACKOFF_MAX", 900)
LOGIN_USERNAME_ADDRESSES = _env_int("LOGIN_USERNAME_ADDRESSES", 5)
if min(LOGIN_FAILURE_WINDOW, LOGIN_BACKOFF_MAX, LOGIN_USERNAME_ADDRESSES) < 1:
    raise ImproperlyConfigured(
        "LOGIN_FAILURE_WINDOW, LOGIN_BACKOFF_MAX and LOGIN_USERNAME_ADDRESSES must be at least 1"
    )
# Reverse proxies in front of the app that append to X-Forwarded-For: the client address is
# the entry the outermost one appended (0: REMOTE_ADDR, and X-Forwarded-For is ignored). With
# a proxy, its X-Forwarded-Proto says whether the browser used HTTPS (request.is_secure(), the
# socket's origin check, CSRF).
TRUSTED_PROXY_HOPS = _env_int("TRUSTED_PROXY_HOPS", 0)
if _env_bool("TRUST_X_FORWARDED_PROTO", TRUSTED_PROXY_HOPS > 0):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reports one member may file an hour (socket and API alike); a repeat is folded, not counted.
REPORTS_PER_HOUR = _env_int("REPORTS_PER_HOUR", 20)
if REPORTS_PER_HOUR < 1:
    raise ImproperlyConfigured("REPORTS_PER_HOUR must be at least 1")
SOCKET_TOKEN_MAX_AGE = _env_int("SOCKET_TOKEN_MAX_AGE", 300)
# How often a socket's heartbeat checks again that its session or token and its memberships
# still hold, for a logout or removal whose broadcast was lost (the broadcast itself is instant).
SOCKET_AUTH_RECHECK_SECONDS = _env_int("SOCKET_AUTH_RECHECK_SECONDS", 60)
# The directory: members list everyone (GET /api/v1/me/contacts) and start conversations
# themselves. On in the embedded demo; a host app that opens matches leaves it off.
CHAT_DIRECTORY = _env_bool("CHAT_DIRECTORY", DEBUG)
# Seconds after sending during which the sender may edit a message (deleting has no limit).
CHAT_EDIT_WINDOW = _env_int("CHAT_EDIT_WINDOW", 3600)
# Seconds a socket counts as online after its last heartbeat (clients ping every 25 s).
PRESENCE_LEASE = _env_int("PRESENCE_LEASE", 60)
# Messages pending this long since they were last handed to the pipeline are handed over again
# by the sweep, unless a live worker holds them (chat/services/claims.py): a hand-off lost on
# the way to a worker (a worker killed as Redis handed it a task), or a backlog (handed over
# twice, which the pipeline allows). Without PostgreSQL (no leases) only the pipeline's hard
# time limit proves a message lost.
PIPELINE_STALE_SECONDS = _env_int(
    "PIPELINE_STALE_SECONDS",
    20 if DATABASES["default"]["ENGINE"].endswith("postgresql") else CELERY_TASK_TIME_LIMIT,
)
# The longest a message ready for delivery waits for an earlier one of its conversation that
# is still being checked or translated (counted from when the earlier one was accepted).
PIPELINE_ORDER_WAIT = _env_int("PIPELINE_ORDER_WAIT", 30)
# Embedded mode: threads of the server process that run the pipeline and other jobs.
PIPELINE_THREADS = _env_int("PIPELINE_THREADS", 4)

# Days a closed conversation (an unmatch) keeps its messages; 0 keeps them for good.
CLOSED_CONVERSATION_RETENTION_DAYS = _env_int("CLOSED_CONVERSATION_RETENTION_DAYS", 90)

# ISO 639-1 codes a reader can choose and the pipeline translates into; by default the twenty
# languages of the safety lexicons. A message in any other language has source language "und"
# and is still translated. Each language costs the detector memory (translation/detection.py).
SUPPORTED_LANGUAGES = _env_list(
    "SUPPORTED_LANGUAGES", "en,es,fr,de,it,pt,nl,pl,ru,uk,tr,ar,hi,id,vi,th,ja,zh,ko,tl"
)
# Region used to read phone numbers written without a country code.
DEFAULT_PHONE_REGION = os.environ.get("DEFAULT_PHONE_REGION", "US")

# --- Metrics -------------------------------------------------------------------------------

# /metrics (Prometheus): with a token, only `Authorization: Bearer <token>` reads it; without
# one, only clients from these networks. Several processes add up their counters through
# PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode; empty it at each deploy).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = _env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128")

# --- Webhooks --------------------------------------------------------------------------------

# Seconds a host's webhook URL may take to answer.
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
# Seconds before each retry of an undelivered event (then it fails; the admin can resend).
WEBHOOK_RETRY_DELAYS = [
    int(x) for x in _env_list("WEBHOOK_RETRY_DELAYS", "10,60,300,1800,7200,21600")
]

# --- Translation -----------------------------------------------------------------------------

# Bumped whenever the translation prompt or engine changes, so the cache never serves output
# produced under other instructions.
TRANSLATION_PROMPT_VERSION = os.environ.get("TRANSLATION_PROMPT_VERSION", "1")

ANTHROPIC_API_KEY = os.environ.get("ANTHROPIC_API_KEY", "")
ANTHROPIC_BASE_URL = os.environ.get("ANTHROPIC_BASE_URL", "")
ANTHROPIC_MODEL = os.environ.get("ANTHROPIC_MODEL", "claude-haiku-4-5")
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")
OPENAI_BASE_URL = os.environ.get("OPENAI_BASE_URL", "")
OPENAI_MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
# "anthropic:<model>,openai:<model>": primary first. Unset: every provider with a key or URL.
TRANSLATION_PROVIDERS = os.environ.get("TRANSLATION_PROVIDERS", "")

TRANSLATION_TIMEOUT = float(os.environ.get("TRANSLATION_TIMEOUT", "20"))
# Our engine retries and fails over; the SDKs' own retries are off unless asked for.
TRANSLATION_SDK_RETRIES = _env_int("TRANSLATION_SDK_RETRIES", 0)
TRANSLATION_ATTEMPTS = _env_int("TRANSLATION_ATTEMPTS", 2)
TRANSLATION_BACKOFF = float(os.environ.get("TRANSLATION_BACKOFF", "0.5"))
TRANSLATION_MAX_RETRY_AFTER = float(os.environ.get("TRANSLATION_MAX_RETRY_AFTER", "10"))
TRANSLATION_BREAKER_THRESHOLD = _env_int("TRANSLATION_BREAKER_THRESHOLD", 5)
TRANSLATION_BREAKER_COOLDOWN = float(os.environ.get("TRANSLATION_BREAKER_COOLDOWN", "30"))
TRANSLATION_SEGMENT_CHARS = _env_int("TRANSLATION_SEGMENT_CHARS", 600)
TRANSLATION_PARALLEL_SEGMENTS = _env_int("TRANSLATION_PARALLEL_SEGMENTS", 4)
# Seconds before each background attempt at a translation that every provider failed; the
# last delay repeats until TRANSLATION_RETRY_MAX_AGE (empty: no retries). Keep the last one
# below CELERY_VISIBILITY_TIMEOUT.
TRANSLATION_RETRY_DELAYS = [
    int(x) for x in _env_list("TRANSLATION_RETRY_DELAYS", "10,30,60,120,300,600,1800")
]
# Seconds after delivery during which an unavailable translation is still retried.
TRANSLATION_RETRY_MAX_AGE = _env_int("TRANSLATION_RETRY_MAX_AGE", 7 * 24 * 3600)
# Seconds between sweeps that queue again the translation retries that were lost.
TRANSLATION_RETRY_SWEEP_SECONDS = _env_int("TRANSLATION_RETRY_SWEEP_SECONDS", 60)
# Messages a second whose unavailable translations are queued again when a provider comes
# back (whole deployment), and by the sweep.
TRANSLATION_RECOVERY_RATE = float(os.environ.get("TRANSLATION_RECOVERY_RATE", "10"))
if TRANSLATION_RECOVERY_RATE <= 0:
    raise ImproperlyConfigured("TRANSLATION_RECOVERY_RATE must be above 0 (messages a second)")
TRANSLATION_BACKFILL = _env_int("TRANSLATION_BACKFILL", 50)
# USD a user's outgoing messages may spend on translation per UTC day; 0 means no limit.
TRANSLATION_DAILY_BUDGET_USD = Decimal(os.environ.get("TRANSLATION_DAILY_BUDGET_USD", "0.50"))
# USD per million (input, output) tokens; TRANSLATION_PRICES (JSON) adds or overrides models.
TRANSLATION_PRICES = {
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-sonnet-4-5": (3.00, 15.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4o": (2.50, 10.00),
} | json.loads(os.environ.get("TRANSLATION_PRICES") or "{}")

# --- Moderation ----------------------------------------------------------------------------

# Finding kind → "allow" | "flag" | "hold" | "block", over the defaults in moderation/policy.py.
MODERATION_ACTIONS = json.loads(os.environ.get("MODERATION_ACTIONS") or "{}")
if not isinstance(MODERATION_ACTIONS, dict) or not set(MODERATION_ACTIONS.values()) <= {
    "allow", "flag", "hold", "block"
}:  # fmt: skip
    raise ImproperlyConfigured(
        'MODERATION_ACTIONS must be a JSON object of kind → "allow", "flag", "hold" or "block"'
    )
# LLM scam score (0-10) bands: at or above BLOCK blocks, at or above FLAG flags.
MODERATION_SCORE_BLOCK = float(os.environ.get("MODERATION_SCORE_BLOCK", "8"))
MODERATION_SCORE_FLAG = float(os.environ.get("MODERATION_SCORE_FLAG", "5"))
# Strict mode: whatever would be flagged (delivered, then reviewed) is held until approved.
MODERATION_STRICT = _env_bool("MODERATION_STRICT", False)
# In a conversation's first this many messages, contact details (phone numbers, e-mail
# addresses, messenger handles) are masked: delivered as "[phone number hidden]" and reviewed.
# After that they are flagged. 0 never masks.
MODERATION_MASK_FIRST_MESSAGES = _env_int("MODERATION_MASK_FIRST_MESSAGES", 10)
# The LLM scores a message only when worth paying for: risk signals, a sender's first
# messages in a conversation, or this share of everything else.
MODERATION_SCORE_FIRST_MESSAGES = _env_int("MODERATION_SCORE_FIRST_MESSAGES", 3)
MODERATION_SCORE_SAMPLE_RATE = float(os.environ.get("MODERATION_SCORE_SAMPLE_RATE", "0.02"))
# The sender's previous messages checked together with a new one (split numbers, handles,
# wallets), at most this many and this recent: enough for an identifier sent in six pieces
# with other messages in between. The one context window; the case page shows as many.
MODERATION_CONTEXT_MESSAGES = _env_int("MODERATION_CONTEXT_MESSAGES", 8)
MODERATION_CONTEXT_SECONDS = _env_int("MODERATION_CONTEXT_SECONDS", 1800)
# Links to these domains (and their subdomains) are allowed; other links keep their action.
# Comma-separated, replacing the well-known media of moderation/links.py (YouTube, Spotify,
# Apple Music, SoundCloud, Deezer, TIDAL, Netflix, IMDb, Wikipedia, Vimeo); empty allows none.
MODERATION_MEDIA_DOMAINS = (
    _env_list("MODERATION_MEDIA_DOMAINS") if "MODERATION_MEDIA_DOMAINS" in os.environ else None
)
# Repeat offenders: this many blocked messages within the window mute the sender.
MODERATION_REPEAT_BLOCKS = _env_int("MODERATION_REPEAT_BLOCKS", 3)
MODERATION_REPEAT_WINDOW = _env_int("MODERATION_REPEAT_WINDOW", 86400)
MODERATION_MUTE_SECONDS = _env_int("MODERATION_MUTE_SECONDS", 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # The SDKs' HTTP clients log every request line at INFO.
        "httpx": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
    },
}
