"""Settings of the ZWK-Portal.

Every difference between deployments comes from an environment variable; the
defaults are safe for local use on a developer's machine.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "local-development-only-not-secret"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Behind a reverse proxy: the visitor's address from its X-Real-IP header (see TrustedProxyMiddleware).
ZWK_TRUST_X_REAL_IP = env_bool("ZWK_TRUST_X_REAL_IP", False)
ZWK_TRUSTED_PROXIES = env_list("ZWK_TRUSTED_PROXIES", "127.0.0.1,::1")
# The public address of the portal, used in links inside e-mails and calendar files.
SITE_URL = os.environ.get("ZWK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin on a site that keeps every model admin inside the user's Kommunen.
    "zwk_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    # Before django_tasks_db: its `db_worker` command is replaced by the portal's (worker.py).
    "zwk_portal",
    "django_tasks",
    "django_tasks_db",
    "seiten",
    "kommunen",
    "werkstattplan",
    "events",
    "foerderung",
    "statistik",
    "netzwerk",
    "aktuelles",
    "dokumente",
]

MIDDLEWARE = [
    "zwk_portal.logging.RequestIdMiddleware",
    # No query on a Kommune's data without a scope opened by the view's guard (tenancy.py).
    "zwk_portal.tenancy.TenancyMiddleware",
    "zwk_portal.security.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses the HTML pages, not the files (whitenoise serves static files
    # precompressed); Django pads the gzip stream randomly against BREACH.
    "zwk_portal.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "zwk_portal.urls"
WSGI_APPLICATION = "zwk_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# PostgreSQL only. Without DATABASE_URL an embedded server from the pgserver
# package keeps its data in .pgdata/ and is started by the first connection.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("The ZWK-Portal runs on PostgreSQL only.")
else:
    DATABASES = {
        "default": {
            "ENGINE": "zwk_portal.db",
            "NAME": os.environ.get("ZWK_DATABASE_NAME", "zwk"),
            "USER": "postgres",
            "EMBEDDED_PGDATA": str(BASE_DIR / ".pgdata"),
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DJANGO_CONN_MAX_AGE", "0"))
# Server-side parameter binding: psycopg then prepares a statement the connection runs more
# than ZWK_DB_PREPARE_THRESHOLD times (PostgreSQL parses and plans it once). Pays off with
# DJANGO_CONN_MAX_AGE > 0. Behind PgBouncer in transaction mode it needs PgBouncer ≥ 1.21
# with max_prepared_statements set, or ZWK_DB_PREPARE_THRESHOLD=off (see README).
_PREPARE = os.environ.get("ZWK_DB_PREPARE_THRESHOLD", "5")
DATABASES["default"].setdefault("OPTIONS", {}).update(
    server_side_binding=True, prepare_threshold=None if _PREPARE == "off" else int(_PREPARE)
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# One test database per test run, so that several runs can share one server.
DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get("ZWK_TEST_DATABASE", f"test_zwk_{os.getpid()}")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "konto:login"
LOGIN_REDIRECT_URL = "konto:konto"  # "Mein Konto": what each app has for the person
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# KERN UX comes from npm (make installs it); Django serves it like our own files.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
]
MEDIA_ROOT = Path(os.environ.get("ZWK_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploaded attachments live outside the web root and are served only by views
# that check who may see them.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("ZWK_PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
# Uploads: local folders (default) or an S3-compatible bucket with ZWK_STORAGE=s3 (needs the
# optional extra `pip install ".[s3]"` and the ZWK_S3_* variables; see deploy/env.example).
# "private" holds attachments and notices: never public, no public URL (signed URLs only).
ZWK_STORAGE = os.environ.get("ZWK_STORAGE", "local")
_S3 = {
    "bucket_name": os.environ.get("ZWK_S3_BUCKET", ""),
    "endpoint_url": os.environ.get("ZWK_S3_ENDPOINT_URL") or None,
    "region_name": os.environ.get("ZWK_S3_REGION") or None,
    "access_key": os.environ.get("ZWK_S3_ACCESS_KEY_ID") or None,
    "secret_key": os.environ.get("ZWK_S3_SECRET_ACCESS_KEY") or None,
    "default_acl": "private",
    "querystring_auth": True,
    "file_overwrite": False,
}
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_S3, "location": "media"},
    }
    if ZWK_STORAGE == "s3"
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_S3, "location": "private"},
    }
    if ZWK_STORAGE == "s3"
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Spreadsheet import needs the change permission of the model, export the view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True


def email_settings(url: str) -> dict:
    """EMAIL_URL: smtp://user:password@host:587?tls=1, smtps://…, console:, file:///path, memory:."""
    parsed = urlparse(url)
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "memory":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parsed.path,
        }
    if parsed.scheme in {"smtp", "smtps"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parsed.hostname or "localhost",
            "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parsed.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
            "EMAIL_USE_SSL": parsed.scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", "0") in {"1", "true"},
            "EMAIL_TIMEOUT": 20,
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme {parsed.scheme!r} is not supported.")


# Locally, mail lands as files in var/outbox/ so that nothing is sent by accident.
globals().update(
    email_settings(os.environ.get("EMAIL_URL", f"file://{BASE_DIR / 'var' / 'outbox'}"))
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "ZWK-Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Outgoing mail and slow jobs are queued in the database and run by
# `manage.py db_worker`, so a mail server outage loses nothing.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("ZWK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": [],
    }
}


def _seconds(name: str, default: int) -> timedelta:
    return timedelta(seconds=float(os.environ.get(name, default)))


# The mail outbox (zwk_portal/mail.py). A mail "wird gesendet" for longer than the send
# timeout belongs to a worker that died and is retried; pauses between attempts grow to
# the ceiling; after MAIL_GIVE_UP_AFTER the mail is "fehlgeschlagen" and waits for staff.
MAIL_SEND_TIMEOUT = _seconds("ZWK_MAIL_SEND_TIMEOUT", 600)
MAIL_RETRY_CEILING = _seconds("ZWK_MAIL_RETRY_CEILING", 3600)
MAIL_GIVE_UP_AFTER = _seconds("ZWK_MAIL_GIVE_UP_AFTER", 5 * 86400)
# /health/ is unhealthy when the oldest unsent mail is older, or no worker was seen so long.
MAIL_QUEUE_ALERT_AFTER = _seconds("ZWK_MAIL_QUEUE_ALERT_AFTER", 1800)
WORKER_STALE_AFTER = _seconds("ZWK_WORKER_STALE_AFTER", 180)
# How often the worker says it is alive and takes back interrupted mails.
WORKER_HOUSEKEEPING_INTERVAL = _seconds("ZWK_WORKER_HOUSEKEEPING_INTERVAL", 30)

# Cache (nothing in the portal needs one to be shared; sessions live in the database):
# ZWK_CACHE=locmem (default), database (table zwk_cache, `manage.py createcachetable`)
# or redis://host:6379/0 for several app servers.
_CACHE = os.environ.get("ZWK_CACHE", "locmem")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if _CACHE == "locmem"
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "zwk_cache"}
    if _CACHE == "database"
    else {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE}
}

# One line per record on stdout: JSON (DJANGO_LOG_FORMAT=json, the default with DEBUG off) or
# plain text; each record carries the request id; e-mail addresses are redacted as a safety net.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "zwk_portal.logging.RequestIdFilter"},
        "redact": {"()": "zwk_portal.logging.RedactFilter"},
    },
    "formatters": {
        "json": {"()": "zwk_portal.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id", "redact"],
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Django's request log would repeat paths with tokens; errors still come through.
        "django.request": {"level": "ERROR"},
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

# Event registrations (events app): attempts per hour from one address and for one e-mail.
# Generous per address (a whole office may share one), strict per e-mail.
EVENTS_RATE_LIMIT_PER_ADDRESS = int(os.environ.get("ZWK_EVENTS_RATE_LIMIT_PER_ADDRESS", "100"))
EVENTS_RATE_LIMIT_PER_EMAIL = int(os.environ.get("ZWK_EVENTS_RATE_LIMIT_PER_EMAIL", "5"))
# Public-sector networks (comma-separated CIDR, e.g. "10.20.0.0/16,2001:db8::/32"): ten
# times the limit per address (events.services.TRUSTED_NETWORK_FACTOR).
ZWK_EVENTS_TRUSTED_NETWORKS = env_list("ZWK_EVENTS_TRUSTED_NETWORKS")
EVENTS_RATE_LIMIT_WINDOW_SECONDS = 3600

# Legal and information pages (seiten app). Barrier reports go to these addresses
# (comma-separated), or else to every member of the group "Koordination" with an e-mail.
ZWK_BARRIERE_EMAIL = os.environ.get("ZWK_BARRIERE_EMAIL", "")
# The sign language video: a file on this server ("/static/…", "/media/…") plays in the
# page, with the captions file if given; an external address is only linked.
ZWK_GEBAERDENSPRACHE_VIDEO_URL = os.environ.get("ZWK_GEBAERDENSPRACHE_VIDEO_URL", "")
ZWK_GEBAERDENSPRACHE_UNTERTITEL_URL = os.environ.get("ZWK_GEBAERDENSPRACHE_UNTERTITEL_URL", "")

# ------------------------------------------------------------------------- Security
# One block for transport security, headers, login lockout, second factor and
# session lifetime. Production values switch on when DJANGO_DEBUG is off;
# each can be overridden from the environment (README, "Betrieb").

INSTALLED_APPS += [
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # backup codes for a lost phone
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += [
    "zwk_portal.security.StaffSessionIdleMiddleware",
    "zwk_portal.security.SecondFactorMiddleware",
    "zwk_portal.security.PermissionsPolicyMiddleware",
    "zwk_portal.security.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the German lockout page.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # What a member may do, in the member's Kommune only (zwk_portal.tenancy).
    "zwk_portal.tenancy.MembershipBackend",
]

# HTTPS: HSTS for a year; behind a TLS-terminating proxy set DJANGO_TRUST_X_FORWARDED_PROTO=1.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer asks over plain HTTP
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True  # no script reads the token; forms carry it
CSRF_FAILURE_VIEW = "zwk_portal.errors.csrf_failure"  # German page in the portal's layout
SESSION_COOKIE_SAMESITE = "Lax"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# django-csp 4: scripts and styles from our own origin only, never inline scripts.
# The admin alone gets inline styles (django-import-export's export page), see security.py.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Lockout (django-axes) for every password login, admin and /konto/anmelden/ alike:
# five failures lock the username from that address for 15 minutes. Per username
# and address, so that nobody elsewhere can lock a colleague out; guessing from
# many addresses meets passwords of 12+ characters and, for staff, the second factor.
# The address is REMOTE_ADDR, as everywhere in the portal (X-Forwarded-For can be forged).
# Successful logins are not logged.
AXES_FAILURE_LIMIT = int(os.environ.get("ZWK_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "zwk_portal.security.client_ip"
AXES_USERNAME_CALLABLE = "zwk_portal.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "zwk_portal.security.lockout_response"
AXES_VERBOSE = False

# Second factor (TOTP, django-otp) for everyone who can see personal data of
# registrants or applicants: staff, the Fachdienst, the coordination, the jury.
# Off in local demo (DEBUG) so that the printed demo logins work at once.
ZWK_REQUIRE_2FA = env_bool("ZWK_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "ZWK-Portal"
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions of those users end after 2 hours without a request (security.py);
# applicants keep Django's default, so a long draft is not lost.
ZWK_STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("ZWK_STAFF_SESSION_IDLE_SECONDS", "7200"))
PASSWORD_RESET_TIMEOUT = 3600
# ------------------------------------------------------------------ end of Security
