"""Settings for the course site, read from the environment.

Development needs no environment at all: SQLite, the in-memory channel layer and DEBUG on.
Production is `DJANGO_DEBUG=0` plus a secret key and the allowed hosts; anything that would be
unsafe to guess is refused at start-up instead of silently defaulted.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    # A fixed key is fine on a laptop; it signs nothing that leaves it.
    SECRET_KEY = SECRET_KEY or "development-only-key-not-for-production-use-0123456789abcdef"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # daphne first so that `runserver` speaks WebSocket as well as HTTP.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "learners",
    "courseware",
    "simulator",
    "quizzes",
    "classroom",
    "challenges",
    "systems",
    "accounts",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages go out gzipped: a lesson fits the first round trip of a new connection compressed
    # and not plain (bench/pages.py). Django pads each response at random against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Near the end, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last, so that its 400 carries every header above; it still runs before any view and
    # before the CSRF check reads the form (config/input_guard.py).
    "config.input_guard.InputGuardMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "courseware.context_processors.navigation",
            ],
        },
    },
]

ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a live server process in the browser tests shares it; one per
    # test run, so that two runs side by side never share a database.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3"
    )
    # Several server processes may write one file: a writer takes the lock when its transaction
    # begins (so a room's read-then-append cannot interleave with another's), waits for a busy
    # lock instead of failing, and the write-ahead log keeps readers off the writers' backs.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    # The same backend, with one idle connection per process so closing a request's is cheap.
    DATABASES["default"]["ENGINE"] = "config.sqlite"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    # Redis pub/sub: a message to a group is published once and each process hands it to its
    # own sockets. The list-based RedisChannelLayer stores a copy per process and each process
    # pops them one round trip at a time, which could not keep up with a class acknowledging
    # (docs/benchmarks.md). Pub/sub keeps nothing while nobody listens: a socket that misses
    # records while Redis is away notices (classroom/consumers.py) and reloads from the log.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # A socket timeout shorter than any blocking read would cut it and close
                        # every socket with 1011 (the list-based layer blocks for 5 s); the
                        # subscriber's reads here are short, so 10 s is only a ceiling.
                        "socket_timeout": 10,
                        "socket_connect_timeout": 5,
                        "retry_on_timeout": True,
                        # The default of 100 raises MaxConnectionsError under load.
                        "max_connections": 1000,
                    }
                ],
            },
        }
    }
    # Join throttling counts failed guesses per address; in Redis, every process sees them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_timeout": 5, "socket_connect_timeout": 5},
        }
    }
else:
    # The default capacity (100 messages a channel) silently drops records when a whole class
    # answers at once; 1,500 holds a class's bursts (the Redis pub/sub layer has no limit).
    CHANNEL_LAYERS = {
        "default": {
            # Channels' in-memory layer, sweeping for expired messages once a second instead of
            # on every message (see classroom/layers.py).
            "BACKEND": "classroom.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 1500},
        }
    }

# Per-process: what a page may keep for a minute without asking the database again, keyed so
# that no other process's write can make it wrong (courseware/services.py says how). It never
# holds a secret or a throttle count, which belong in the default cache, shared under Redis.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "local",
    "OPTIONS": {"MAX_ENTRIES": 10_000},
}

# bench/ws.py turns this on for its own server to get an echo socket as a baseline; off, the
# route does not exist at all.
BENCH_ECHO = env_bool("DJANGO_BENCH_ECHO", False)
# bench/pages.py turns this on for a page that does nothing but pass the middleware, the floor its
# page rates are held against; off, the URL does not exist.
BENCH_MINIMAL_VIEW = env_bool("DJANGO_BENCH_MINIMAL_VIEW", False)
# bench/pages.py also measures the lesson page as if every visit came after the minute its state
# is kept for: with this on, the `local` cache keeps nothing.
if env_bool("DJANGO_BENCH_FORGETFUL", False):
    CACHES["local"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # htmx and its WebSocket extension come from the npm package, never from a copy in the repo.
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Ten wrong passwords for one account, from anywhere, lock it for fifteen minutes, even against
# the right one (django-axes, counted in the database). An address is counted on its own with a
# higher limit (accounts/backends.py), since a class signs in from one school address.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.AddressThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "throttles.client_address"
# A successful sign-in needs no row of its own: failures are what the lockout counts.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# django-axes warns when it does not count addresses itself; accounts/backends.py does.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Everything else that a script could repeat is limited with django-ratelimit, in the cache
# (shared by every process when Redis is configured). Each rate is "count/period"; the
# environment may loosen one, e.g. for a benchmark that joins 300 learners from one address.
# Per-address limits must let a class behind one school address through: a lecture hall joins
# a room within a minute, and a class may sign up together.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "throttles.client_address"
THROTTLE_RATES = {
    "signin-address": os.environ.get("DJANGO_RATE_SIGNIN_FAILURES", "50/15m"),
    "signup-address": os.environ.get("DJANGO_RATE_SIGNUP", "30/h"),
    "reset-address": os.environ.get("DJANGO_RATE_RESET", "10/h"),
    "reset-account": os.environ.get("DJANGO_RATE_RESET_ACCOUNT", "3/h"),
    "join-address": os.environ.get("DJANGO_RATE_JOIN", "120/m"),
    "join-learner": os.environ.get("DJANGO_RATE_JOIN_LEARNER", "6/m"),
    "room-probe-address": os.environ.get("DJANGO_RATE_ROOM_PROBE", "120/m"),
}

# Mail: printed to the console in development; in production an SMTP server from the
# environment, or an explicitly chosen backend. Production refuses to guess, because a password
# reset that silently goes nowhere (or into a log) is worse than a server that will not start.
_email_host = os.environ.get("DJANGO_EMAIL_HOST", "")
_email_port = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
_email_backend = os.environ.get("DJANGO_EMAIL_BACKEND", "")
if not _email_backend:
    if _email_host:
        _email_backend = "django.core.mail.backends.smtp.EmailBackend"
    elif DEBUG:
        _email_backend = "django.core.mail.backends.console.EmailBackend"
    else:
        raise ImproperlyConfigured(
            "DJANGO_EMAIL_HOST must be set when DJANGO_DEBUG=0 "
            "(or DJANGO_EMAIL_BACKEND, to choose another mail backend)."
        )
_email_options = {}
if _email_backend == "django.core.mail.backends.smtp.EmailBackend":
    _email_options = {
        "host": _email_host or "localhost",
        "port": _email_port,
        "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", _email_port == 587),
        "use_ssl": env_bool("DJANGO_EMAIL_USE_SSL", _email_port == 465),
        "timeout": 10,
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Events vs Commands <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Without Redis the site is one process (docs/deploy.md), so its own memory can hold the sessions
# in front of the database and no other process can hold a stale copy. With Redis there are
# several processes, and sessions are read from the database alone, so that pages do not depend
# on Redis being up.
if not REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Security headers. The TLS-related ones only make sense behind HTTPS, so they follow DEBUG and
# can be switched individually when a proxy terminates TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
if env_bool("DJANGO_BEHIND_PROXY", False):
    # The proxy terminates TLS and says so in this header; trust it only when told to.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Every script and style comes from our own origin; nothing inline, nothing evaluated.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        # django-axes reports every sign-in at INFO; lockouts come at WARNING.
        "axes": {"level": "WARNING"},
    },
}
