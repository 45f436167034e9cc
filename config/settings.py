"""Settings for Koban Liaison, read from the environment.

DATABASE_URL   database (default: SQLite file under var/)
SECRET_KEY     required when DJANGO_ENV=production; in development one is generated and kept in var/
DEBUG          "1" to turn on debugging (off by default)
ALLOWED_HOSTS  comma-separated host names
DJANGO_ENV     "production" turns on HTTPS-only cookies, HSTS and the other deployment settings
TRUSTED_PROXIES  comma-separated addresses or CIDR blocks of the reverse proxies whose X-Forwarded-For is believed
OTP_REQUIRED   "1" makes every account use a second factor (TOTP); on by default when DJANGO_ENV=production
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = os.environ.get("DEBUG", "0") == "1"


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when DJANGO_ENV=production")
    # Development: generate once and keep it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "django_tasks",
    "liaison.lib",
    "liaison.org",
    "liaison.access",
    "liaison.audit",
    "liaison.findings",
    "liaison.people",
    "liaison.councils",
    "liaison.cases",
    "liaison.meetings",
    "liaison.network",
    "liaison.reports",
    "liaison.imports",
    "liaison.figures",
    "liaison.notify",
    # After liaison.reports, whose db_worker (this app's worker plus a heartbeat) takes the place of this app's own.
    "django_tasks_db",
    "liaison.dashboard",
    "liaison.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session has passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "liaison.access.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before anything reads request.GET/POST for a query: NUL and invalid UTF-8 get a 400 page.
    "liaison.lib.middleware.RefuseUnreadableInputMiddleware",
    "liaison.access.middleware.IdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After the login check: a logged-in user who still owes the second factor reaches only its pages.
    "liaison.access.middleware.SecondFactorMiddleware",
    # After the second factor: the forced password change comes once the user is who they say.
    "liaison.access.middleware.PasswordChangeRequiredMiddleware",
    "liaison.audit.middleware.RequestContextMiddleware",
    "liaison.org.middleware.PrefectureSettingsOncePerRequest",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Gives a browser its device cookie after a login, and answers a login held back by the throttle with 429.
    "liaison.access.devices.LoginThrottleMiddleware",
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
                "django.template.context_processors.i18n",
                "liaison.dashboard.context_processors.shell",
            ],
            "builtins": ["liaison.lib.templatetags.japanese", "liaison.lib.templatetags.options"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -------------------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'koban.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so two writers
    # queue on busy_timeout instead of failing with "database is locked" half-way through a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }


def private_sqlite_file(name) -> None:
    """Create the SQLite database file readable by its owner only before SQLite does (it would follow the umask);
    SQLite gives its -wal and -shm files the database file's mode. An existing file is left as it is."""
    if not name or str(name) == ":memory:" or str(name).startswith("file:"):
        return
    try:
        os.close(os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    private_sqlite_file(DATABASES["default"]["NAME"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and sessions ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, reading the officer record with the user (one query instead of two to four a page).
    "liaison.access.backends.OfficerModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # The officer's own name in kanji, kana and romanised, which the user record does not hold.
    {"NAME": "liaison.access.passwords.OfficerNameValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins make the next attempt wait (liaison/access/throttle.py), per login ID, per client address and per
# registered browser. The client address is REMOTE_ADDR, or, when that is one of these proxies, the right-most
# X-Forwarded-For address that is not: list the reverse proxy here, or every client looks like the proxy.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
# How long a browser an officer logged in from stays registered as theirs (its device cookie), in seconds.
DEVICE_COOKIE_AGE = int(os.environ.get("DEVICE_COOKIE_AGE", str(180 * 24 * 60 * 60)))

# Second factor (ASVS 5.0 V6, level 2): a TOTP app, with single-use recovery codes. Required of every account in
# production; a demo or a test run may turn it off (an officer who enrolled still gives a code at login).
OTP_REQUIRED = os.environ.get("OTP_REQUIRED", "1" if PRODUCTION else "0") == "1"
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Koban Liaison")
# Wrong codes double the wait before the next try (1, 2, 4 … seconds), per device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Absolute limit: a session ends 12 hours after login whatever happens; idle limit: 30 minutes without a request.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_TIMEOUT = SESSION_COOKIE_AGE
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers -----------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Language, time, formats ----------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]  # each in its own language, as a switch shows them
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# Our own input formats: Django's ja locale accepts neither 2025/05/20 nor 2025年5月20日.
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files, uploads ------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Outside production whitenoise serves straight from the app folders, so no collectstatic is needed to try things.
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# --- Background work ------------------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A list export of more rows than this is written by the worker, not in the request (which the server ends after 60 s).
EXPORT_INLINE_ROWS = int(os.environ.get("EXPORT_INLINE_ROWS", "20000"))

# --- Mail -----------------------------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "koban-liaison@localhost")
# The address of the site as officers open it: links in e-mail are absolute (manage.py send_digest).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
# The digest's attempts to reach the mail server in one run, and the pause after the first failure (after the second, twice as long …).
DIGEST_SEND_ATTEMPTS = int(os.environ.get("DIGEST_SEND_ATTEMPTS", "3"))
DIGEST_RETRY_SECONDS = float(os.environ.get("DIGEST_RETRY_SECONDS", "10"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
