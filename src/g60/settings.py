"""Settings: every value that differs between machines comes from the environment, read here and nowhere else.

`.env.example` lists every key. SECRET_KEY has no default: a missing secret stops the start-up rather than
running with a guessable one. `scripts/setup` writes a local `.env` with a fresh secret for development.
"""

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from g60.dbconfig import database_config

# Lets admin classes and querysets be subscripted with their model type at run time, as mypy sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent  # src/g60
PROJECT_DIR = BASE_DIR.parent.parent  # the checkout

env = environ.Env()
environ.Env.read_env(PROJECT_DIR / ".env")

# django-environ's own int() and bool() either fail with Python's bare error (ValueError: invalid literal for
# int() with base 10: 'ten'), naming no variable, or take any word for false (DEBUG=ture is False). These stop
# the start-up naming the variable and what it accepts.
_TRUE = frozenset(environ.Env.BOOLEAN_TRUE_STRINGS)
_FALSE = frozenset({"false", "off", "n", "no", "0", ""})


def _env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default=str(default)).strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return int(raw)


def _env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="true" if default else "false").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), not {raw!r}")
    return raw in _TRUE


SECRET_KEY: str = env.str("SECRET_KEY")
DEBUG: bool = _env_bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS is on unless switched off explicitly (the demo on http://127.0.0.1 switches it off).
HTTPS: bool = _env_bool("G60_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = _env_int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a reverse proxy: its X-Forwarded-Proto is trusted, and its X-Forwarded-For names the client (login lockout).
BEHIND_PROXY: bool = _env_bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = _env_int("SESSION_COOKIE_AGE", default=8 * 3600, minimum=1)
# Content-Security-Policy (django-csp's CSPMiddleware): the second line of defence against injected script. Should
# an escaping mistake ever let markup into a page, the browser still runs only the platform's own script files:
# no inline <script>, on*= handler, style= attribute or <style> block (the templates have none, and
# tests/core/test_content_security_policy.py scans them), no eval (htmx runs with allowEval false and without its
# injected indicator styles: base.html's htmx-config), no plug-ins, no foreign <base>, forms submit to the platform
# only, and no framing (as X_FRAME_OPTIONS). The pages show no data: image, so img-src is 'self' too. The one
# relaxed page is the API's Swagger UI (g60.api.root, its own policy and why).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",  # django-csp: its system checks of the policy settings
    "ninja",  # serves the API docs' assets from our own static files, not a CDN
    "axes",  # failed logins counted, password guessing locked out (settings under Accounts)
    "g60.core",
    "g60.regions",
    "g60.accounts",
    "g60.audit",
    "g60.api",
    "g60.registry",
    "g60.signing",
    "g60.onenetwork",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "g60.core.middleware.ContentSecurityPolicyMiddleware",  # django-csp's, its usual header built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "g60.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a logged-in user unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a login refused for lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "g60.urls"
WSGI_APPLICATION = "g60.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "g60.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------------
# SQLite is the embedded default so the platform runs with nothing else installed; production and CI also
# use PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": database_config(
        env.str("DATABASE_URL", default=f"sqlite:///{PROJECT_DIR / 'var' / 'g60.sqlite3'}"),
        conn_max_age=_env_int("CONN_MAX_AGE", default=60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
# Password guessing (django-axes, database handler): failed logins are counted per username and client address;
# after AXES_FAILURE_LIMIT of them, each within the cool-off of the one before, that pair is locked out for the
# cool-off: the login (and the admin's) answers 429 with g60.accounts.lockout's page, and the lockout is audited.
# A successful login resets the count; `g60 axes-reset-username NAME` or the admin's access attempts lift it sooner.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT: int = _env_int("AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_MINUTES: int = _env_int("AXES_COOLOFF_MINUTES", default=15, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
# Attempts while locked out are refused unchecked and not counted, so the lockout ends when its page says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "g60.accounts.lockout.client_ip"  # REMOTE_ADDR, or the proxy's X-Forwarded-For
AXES_LOCKOUT_CALLABLE = "g60.accounts.lockout.lockout_response"
AXES_VERBOSE = False  # no start-up banner in every `g60` command's output

# --- Languages ------------------------------------------------------------------------------------------------
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# The language of a visitor whose browser asks for neither, and of the `g60` commands' output: Simplified Chinese
# unless the deployment says G60_LANGUAGE=en.
LANGUAGE_CODE: str = env.str("G60_LANGUAGE", default="zh-hans")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"G60_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}, not {LANGUAGE_CODE!r}")
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
# Front-end libraries come from the npm registry (package.json + package-lock.json); only the built files
# the pages use are published.
STATICFILES_DIRS = [
    ("vendor/htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=PROJECT_DIR / "var" / "media")
# The TrueType CJK font embedded (as a subset) in licence PDFs: Debian's fonts-wqy-zenhei by default.
G60_LICENCE_FONT: str = env.str("G60_LICENCE_FONT", default="/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

# --- Mail, cache, logging -------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@g60.example.cn")
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

NINJA_PAGINATION_PER_PAGE = 20
