"""Settings shared by every environment. Environment-specific files import * from here."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parents[3]
BASE_DIR = SRC_DIR.parent
VAR_DIR = Path(os.environ.get("INNOHUB_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]

# Name of this instance in the federation (a local center's deployment or the national one).
INNOHUB_INSTANCE = os.environ.get("INNOHUB_INSTANCE", "local")

INSTALLED_APPS = [
    "modeltranslation",
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.import_export",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",  # serves the API docs (Swagger UI) from local static files, not a CDN
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "auditlog",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "innohub.core",
    "innohub.taxonomy",
    "innohub.accounts",
    "innohub.centers",
    "innohub.directory",
    "innohub.portal",
    "innohub.content",
    "innohub.programs",
    "innohub.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so that cached pages get the policy too (see "security" below).
    "csp.middleware.CSPMiddleware",
    "innohub.core.csp.AdminPolicyMiddleware",  # the admin's one relaxation (core/csp.py)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous portal pages from the cache, before sessions, CSRF and the view (ADR 0007).
    "innohub.core.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
    # A database that went away during the view: a translated 503, not the generic 500 (core/db_outage.py).
    "innohub.core.db_outage.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "innohub.config.urls"
WSGI_APPLICATION = "innohub.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "innohub" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "innohub.core.context_processors.innohub",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'innohub.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while the web process reads.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Connections are kept (CONN_MAX_AGE above): opening one costs ~2 ms on SQLite (schema parse),
    # more than a whole API list request; measured by benchmarks/portal.py.
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: it pays off for long analytical queries, but it compiled short index lookups whose
    # summed cost estimate crossed jit_above_cost (search counts: 20–500 ms of compiling for a few
    # ms of work). Set per connection, so it holds whatever the server's configuration.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- allauth: email is the login -------------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/m/ip"}
LOGIN_REDIRECT_URL = "workspace:home"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "InnoHub"

# --- axes: lock out after repeated failures -------------------------------------------------------
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
# allauth authenticates with `email=`; this form also passes `login=`, so axes records and matches the
# address (without it every failure is stored with no username and locks the whole IP address).
ACCOUNT_FORMS = {"login": "innohub.accounts.forms.AxesLoginForm"}
ACCOUNT_FORMS["signup"] = "innohub.privacy.forms.ConsentSignupForm"  # consent boxes per purpose

# --- i18n ----------------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English")), ("ko", _("한국어"))]
MODELTRANSLATION_LANGUAGES = ("vi", "en")
MODELTRANSLATION_DEFAULT_LANGUAGE = "vi"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("vi", "en")}
# innohub/locale: our catalogue; locale_vendor: Vietnamese for django-allauth, which ships none
LOCALE_PATHS = [SRC_DIR / "innohub" / "locale", SRC_DIR / "innohub" / "locale_vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
FORMAT_MODULE_PATH = ["innohub.formats"]
USE_TZ = True

# --- static and media ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Vendored front-end assets come from xstatic packages (no CDN, no build step).
STATICFILES_DIRS = [("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports larger than this are refused with a message, not streamed into memory.
INNOHUB_IMPORT_MAX_BYTES = int(os.environ.get("INNOHUB_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
INNOHUB_LOGO_MAX_BYTES = 2 * 1024 * 1024
# django-modeltranslation's admin tabs: jQuery UI from our static files, not Google's CDN (the CSP allows
# scripts from 'self' only); jQuery itself is the admin's own.
JQUERY_UI_URL = STATIC_URL + "vendor/jquery-ui/jquery-ui.min.js"

# --- tasks -----------------------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- cache ---------------------------------------------------------------------------------------
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous portal pages and the figures behind them are cached this long at most (0: off); any write
# to the directory, centers, taxonomy or content invalidates them at once (ADR 0007).
INNOHUB_PAGE_CACHE_SECONDS = int(os.environ.get("INNOHUB_PAGE_CACHE_SECONDS", "30"))

# --- security: headers, cookies, content security policy, rate limits ------------------------------
# prod.py adds the HTTPS-only parts (Secure cookies, HSTS, redirect). docs/quality.md "Hardening".
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # only the server reads it (the switcher is a plain link/form)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # No inline scripts or event handlers anywhere: behaviour lives in static files, wired with data-
        # attributes (core/static/core/behaviour.js). htmx's own indicator <style> is turned off by the
        # htmx-config meta tag in base.html and shipped as core/static/core/htmx.css.
        "script-src": ["'self'"],
        # 'unsafe-inline' for STYLES only: templates set computed values in style attributes (bar widths,
        # avatar colours, tree indentation), and Swagger UI sets element styles from script. Styles cannot
        # run code; scripts stay strict.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# Rate limits of innohub.core.ratelimit ("count/period", period s, m, h or d; "" = no limit). Counted in
# the default cache, so with several web processes the cache must be shared (REDIS_URL) for the
# limits to hold across them.
INNOHUB_RATE_LIMITS_ENABLED = os.environ.get("INNOHUB_RATE_LIMITS_ENABLED", "1") == "1"
INNOHUB_RATE_LIMITS = {
    "api_token_create": os.environ.get("INNOHUB_RATE_API_TOKEN_CREATE", "10/h"),  # per user
    "api_anonymous": os.environ.get("INNOHUB_RATE_API_ANONYMOUS", "300/m"),  # per IP address
    "api_write": os.environ.get("INNOHUB_RATE_API_WRITE", "120/m"),  # per token, or per signed-in user
}
# Client address for per-IP limits: REMOTE_ADDR, or — behind N trusted reverse proxies that append to
# X-Forwarded-For — the N-th address from the right. Never the left-most one: the client writes it.
INNOHUB_TRUSTED_PROXY_COUNT = int(os.environ.get("INNOHUB_TRUSTED_PROXY_COUNT", "0"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "InnoHub <no-reply@innohub.local>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The mail server, for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (invitations, password
# resets, e-mail confirmation); the password, like every secret, only from the environment.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"  # STARTTLS, usually port 587
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "0") == "1"  # implicit TLS, usually port 465
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

AUDITLOG_INCLUDE_ALL_MODELS = False

UNFOLD = {
    "SITE_TITLE": "InnoHub",
    "SITE_HEADER": "InnoHub",
    "SHOW_LANGUAGES": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
