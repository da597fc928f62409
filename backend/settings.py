"""Django settings, read from environment variables.

The defaults are for development on a bare machine only (SQLite, in-memory channel layer,
console e-mail). Production sets DJANGO_DEBUG=0 and must then provide SECRET_KEY; see README.
"""

import os
import sys
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Under pytest the suite runs without a SECRET_KEY or DEBUG and with introspection on.
TESTING = env_bool("DJANGO_TESTING", "pytest" in sys.modules)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-" + "x" * 40
# Rotating SECRET_KEY: list the old key(s) here (comma-separated) while what they signed should
# still open: download links (backend.signed_links), Django's sessions and signed values.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "graphene_django",
    "channels",
    "backend",
    "backend.accounts",
    "backend.audit",
    "cohorts",
    "observations",
    "surveys",
    "notifications",
    "networks",
    "improvement",
    "credentials",
]

MIDDLEWARE = [
    "backend.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "backend.accounts.middleware.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "backend.urls"
ASGI_APPLICATION = "backend.asgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Databases ---------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the server and the reminder worker share one SQLite file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No single statement may hold a connection longer than this (a runaway query).
    timeout_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 15_000)
    # JIT compiles any plan the planner guesses is expensive; the visibility filters of a
    # visit list look expensive and run in microseconds, so JIT added ~6 ms to each of them.
    jit = "on" if env_bool("DATABASE_JIT", False) else "off"
    DATABASES["default"]["OPTIONS"] = {"options": f"-c statement_timeout={timeout_ms} -c jit={jit}"}
    pool_size = env_int("DATABASE_POOL_SIZE", 8)
    if pool_size > 0 and not TESTING:
        # Under ASGI, per-thread persistent connections leak; a pool per process does not.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": pool_size,
            "timeout": env_int("DATABASE_POOL_TIMEOUT_SECONDS", 10),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and shared cache (rate limits) ----------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Each socket's receive loop blocks in Redis for REDIS_CHANNEL_POLL_SECONDS, then asks again;
# every Redis read gives up after REDIS_SOCKET_TIMEOUT_SECONDS (a Redis that vanished). The
# read must outlast the blocking pop, or idle sockets close with 1013 (backend/graphql/layers.py).
REDIS_CHANNEL_POLL_SECONDS = float(os.environ.get("REDIS_CHANNEL_POLL_SECONDS", "5"))
REDIS_SOCKET_TIMEOUT_SECONDS = float(os.environ.get("REDIS_SOCKET_TIMEOUT_SECONDS", "15"))
if REDIS_SOCKET_TIMEOUT_SECONDS < REDIS_CHANNEL_POLL_SECONDS + 1:
    raise ImproperlyConfigured(
        "REDIS_SOCKET_TIMEOUT_SECONDS must exceed REDIS_CHANNEL_POLL_SECONDS by at least 1 s."
    )
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "backend.graphql.layers.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
                        "socket_connect_timeout": 5,
                    }
                ],
                "prefix": os.environ.get("REDIS_PREFIX", "pob"),
                "blocking_read_seconds": REDIS_CHANNEL_POLL_SECONDS,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("REDIS_PREFIX", "pob"),
        }
    }
else:
    # One process only; `manage.py serve` then runs the reminder worker inside the server.
    CHANNEL_LAYERS = {"default": {"BACKEND": "backend.graphql.layers.InProcessChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Passwords and tokens -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCESS_TOKEN_IDLE_TIMEOUT = timedelta(days=env_int("ACCESS_TOKEN_IDLE_DAYS", 30))
INVITATION_LIFETIME = timedelta(days=env_int("INVITATION_LIFETIME_DAYS", 14))
SIGN_IN_THROTTLE = {
    "window_seconds": env_int("SIGN_IN_THROTTLE_WINDOW_SECONDS", 15 * 60),
    # per account AND address: a stranger elsewhere cannot use up the owner's tries
    "per_account": env_int("SIGN_IN_THROTTLE_PER_ACCOUNT", 5),
    "per_address": env_int("SIGN_IN_THROTTLE_PER_ADDRESS", 20),
    # per account across all addresses (spread-out guessing); known devices are exempt
    "account_ceiling": env_int("SIGN_IN_THROTTLE_ACCOUNT_CEILING", 100),
}
# How many reverse proxies sit in front of the ASGI server and append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- GraphQL ------------------------------------------------------------------------------
GRAPHENE = {
    "SCHEMA": "backend.schema.schema",
    "RELAY_CONNECTION_MAX_LIMIT": 100,
    "RELAY_CONNECTION_ENFORCE_FIRST_OR_LAST": False,
    "ATOMIC_MUTATIONS": False,
}
GRAPHQL_LIMITS = {
    "max_document_chars": env_int("GRAPHQL_MAX_DOCUMENT_CHARS", 20_000),
    "max_tokens": env_int("GRAPHQL_MAX_TOKENS", 2_000),
    "max_depth": env_int("GRAPHQL_MAX_DEPTH", 10),
    "max_aliases": env_int("GRAPHQL_MAX_ALIASES", 15),
    "max_cost": env_int("GRAPHQL_MAX_COST", 50_000),
    # Sum of operation costs one caller may spend per minute.
    "cost_per_minute": env_int("GRAPHQL_COST_PER_MINUTE", 1_000_000),
    "default_page_size": 100,
    # A plain list without a declared maximum (graphql/limits.py LIST_SIZES) counts this many.
    "default_list_size": env_int("GRAPHQL_DEFAULT_LIST_SIZE", 20),
    # Wall-clock budget of one query; past it, it stops with QUERY_TIMEOUT (0: no budget).
    "max_seconds": float(os.environ.get("GRAPHQL_MAX_SECONDS", "10")),
}
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", DEBUG or TESTING)
GRAPHQL_FIELD_SUGGESTIONS = env_bool("GRAPHQL_FIELD_SUGGESTIONS", DEBUG or TESTING)
# fast: our execution (backend/graphql/execution/fast.py, ~24x faster on long lists); stock:
# graphql-core's own, the fallback. Same limits and answers; CI runs the suite on both.
GRAPHQL_EXECUTOR = os.environ.get("GRAPHQL_EXECUTOR", "").strip().lower() or "fast"
if GRAPHQL_EXECUTOR not in {"fast", "stock"}:
    raise ImproperlyConfigured("GRAPHQL_EXECUTOR must be fast or stock.")
GRAPHIQL = env_bool("GRAPHIQL", DEBUG)
# Persisted queries (backend/graphql/persisted.py): `apq` keeps any valid document a client
# registers by its hash (Apollo's automatic persisted queries, in the shared cache); `allowlist`
# runs only the documents of the committed manifest (the app's shipped operations, made from
# client/operations by `manage.py persisted_query_manifest`); `off` refuses hashes.
GRAPHQL_PERSISTED_QUERIES = os.environ.get("GRAPHQL_PERSISTED_QUERIES", "").strip().lower() or "apq"
if GRAPHQL_PERSISTED_QUERIES not in {"apq", "allowlist", "off"}:
    raise ImproperlyConfigured("GRAPHQL_PERSISTED_QUERIES must be apq, allowlist or off.")
GRAPHQL_PERSISTED_QUERY_MANIFEST = os.environ.get(
    "GRAPHQL_PERSISTED_QUERY_MANIFEST",
    str(BASE_DIR / "client" / "persisted-query-manifest.json"),
)
BENCH_BASELINE_VIEWS = env_bool("BENCH_BASELINE_VIEWS", False)
WEBSOCKET_INIT_TIMEOUT_SECONDS = float(os.environ.get("WEBSOCKET_INIT_TIMEOUT_SECONDS", "10"))
WEBSOCKET_LIMITS = {
    # Operations running at once on one socket; one more is refused with an error message.
    "max_operations": env_int("WEBSOCKET_MAX_OPERATIONS", 50),
    # Messages one socket may send: this many a second, in bursts of up to `message_burst`.
    "messages_per_second": env_int("WEBSOCKET_MESSAGES_PER_SECOND", 20),
    "message_burst": env_int("WEBSOCKET_MESSAGE_BURST", 100),
    # How often an open socket re-checks its session and each subscription's access.
    "revalidate_seconds": float(os.environ.get("WEBSOCKET_REVALIDATE_SECONDS", "5")),
}

# Request bodies: JSON operations stay small; uploads have their own cap.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BODY_BYTES", 1_000_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000

# --- Internationalisation and time --------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Peer Observation <noreply@localhost>")

# --- Security (production) ----------------------------------------------------------------
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is hard to undo, so it is the district's decision, not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Logging: every line carries the request id -------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "backend.request_id.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Surveys: no figure is shown for fewer respondents than this ---------------------------
SURVEY_MIN_GROUP_SIZE = env_int("SURVEY_MIN_GROUP_SIZE", 5)
# Comments identify their writers more easily than numbers, so they need a larger group.
SURVEY_MIN_GROUP_SIZE_TEXT = env_int("SURVEY_MIN_GROUP_SIZE_TEXT", 8)
# Peer feedback a teacher asks of the peers whose classes they visited: the programme asks for
# four, figures and comments alike (never below 3; README, threat model).
SURVEY_PEER_FEEDBACK_MIN_GROUP_SIZE = env_int("SURVEY_PEER_FEEDBACK_MIN_GROUP_SIZE", 4)
# A class's students (issue 23): figures from 8 responses, comments from 10.
SURVEY_STUDENT_MIN_GROUP_SIZE = env_int("SURVEY_STUDENT_MIN_GROUP_SIZE", 8)
SURVEY_STUDENT_MIN_GROUP_SIZE_TEXT = env_int("SURVEY_STUDENT_MIN_GROUP_SIZE_TEXT", 10)
# Responses stay sealed to this key's public half until their survey closes (surveys/sealing.py):
# a base64 private key kept outside the database and its backups. Retired keys still open
# responses sealed before a rotation. Development and tests use a generated, git-ignored file.
SURVEY_SEALING_KEY = os.environ.get("SURVEY_SEALING_KEY", "").strip()
SURVEY_SEALING_RETIRED_KEYS = env_list("SURVEY_SEALING_RETIRED_KEYS", [])
SURVEY_SEALING_DEV_KEY_FILE = Path(
    os.environ.get("SURVEY_SEALING_DEV_KEY_FILE", "") or BASE_DIR / ".survey-sealing-dev-key"
)

# --- Uploads (photos of student work) -----------------------------------------------------
UPLOAD_LIMITS = {
    "max_request_bytes": env_int("MAX_UPLOAD_REQUEST_BYTES", 30_000_000),
    "max_file_bytes": env_int("MAX_UPLOAD_FILE_BYTES", 15_000_000),
    "max_files": env_int("MAX_UPLOAD_FILES", 5),
    "per_hour": env_int("MAX_UPLOADS_PER_HOUR", 120),
}

if TESTING:
    # Connections opened in other threads (WebSocket tests) must not outlive their use, or the
    # test database cannot be dropped at the end.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests never serve static files; WhiteNoise would only warn that none were collected.
    MIDDLEWARE.remove("whitenoise.middleware.WhiteNoiseMiddleware")
    # Hashing cost is not what the tests are about.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Notifications: push back-end, Firebase, reminder worker (issue #6) --------------------
# See notifications/README.md. PUSH_BACKEND is console | memory | fcm; by default tests use
# memory, a site with FIREBASE_CREDENTIALS_FILE uses fcm, and anything else logs to the console.
FIREBASE_CREDENTIALS_FILE = os.environ.get("FIREBASE_CREDENTIALS_FILE", "")
NOTIFICATIONS_PUSH_BACKEND = os.environ.get("PUSH_BACKEND", "").strip().lower() or (
    "memory" if TESTING else "fcm" if FIREBASE_CREDENTIALS_FILE and not DEBUG else "console"
)
if NOTIFICATIONS_PUSH_BACKEND not in {"console", "memory", "fcm"}:
    raise ImproperlyConfigured("PUSH_BACKEND must be console, memory or fcm.")
# Replaces https://fcm.googleapis.com, for the fake FCM server of tests and benchmarks only.
FCM_BASE_URL = os.environ.get("FCM_BASE_URL", "")
FCM_HTTP_TIMEOUT_SECONDS = float(os.environ.get("FCM_HTTP_TIMEOUT_SECONDS", "10"))
# pool: FCM's HTTP v1 contract over a keep-alive pool; sdk: firebase-admin's send_each (the
# reference); auto: pool.
FCM_TRANSPORT = os.environ.get("FCM_TRANSPORT", "").strip().lower() or "pool"
if FCM_TRANSPORT not in {"auto", "pool", "sdk"}:
    raise ImproperlyConfigured("FCM_TRANSPORT must be pool, sdk or auto.")
# The HTTP proxy FCM and Google's token endpoint are reached through (CONNECT tunnels), and the
# CA bundle to trust (default: certifi's), read where requests reads them.
FCM_PROXY_URL = (
    os.environ.get("FCM_PROXY_URL")
    or os.environ.get("HTTPS_PROXY")
    or os.environ.get("https_proxy")
) or ""
if FCM_BASE_URL and FCM_PROXY_URL:
    _fcm_host = urllib.parse.urlsplit(FCM_BASE_URL).hostname or ""
    # A fake FCM on loopback (tests, benchmarks) or a host in NO_PROXY is reached directly.
    if _fcm_host in {"127.0.0.1", "localhost", "::1"} or urllib.request.proxy_bypass_environment(
        _fcm_host
    ):
        FCM_PROXY_URL = ""
FCM_CA_BUNDLE = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or ""
NOTIFICATIONS_WORKER = {
    # Notifications claimed per round; FCM takes at most 500 messages per send_each call.
    "batch_size": env_int("NOTIFICATIONS_BATCH_SIZE", 500),
    # Seconds to wait when nothing was due.
    "idle_seconds": float(os.environ.get("NOTIFICATIONS_IDLE_SECONDS", "1")),
    # A claimed notification whose worker has not recorded a result by then is claimed again.
    # Must exceed the longest send: one HTTP timeout per batch, plus a token refresh (the
    # back-end does not retry; transient failures wait in the outbox, unleased).
    "lease_seconds": env_int("NOTIFICATIONS_LEASE_SECONDS", 300),
    # Delivery rounds before a notification FCM keeps refusing transiently is marked failed.
    "max_attempts": env_int("NOTIFICATIONS_MAX_ATTEMPTS", 5),
    # First wait before such a round is tried again; doubles each time, with jitter.
    "retry_seconds": env_int("NOTIFICATIONS_RETRY_SECONDS", 60),
    # Sender loops per worker process (PostgreSQL; one on SQLite): one batch on the wire
    # while another waits for FCM. One under tests: other threads cannot see a test's
    # uncommitted rows.
    "threads": env_int("NOTIFICATIONS_WORKER_THREADS", 1 if TESTING else 2),
}
# Local quiet hours for everyone who has not chosen theirs: "HH:MM-HH:MM" (start-end).
NOTIFICATIONS_DEFAULT_QUIET_HOURS = os.environ.get("NOTIFICATIONS_QUIET_HOURS", "21:00-07:00")
# The zone of quiet hours for people with neither a school nor a zone of their own.
NOTIFICATIONS_DEFAULT_TIME_ZONE = os.environ.get("NOTIFICATIONS_TIME_ZONE", "UTC")
