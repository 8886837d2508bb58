"""Test settings: the platform's settings with plain HTTP (the test client speaks HTTP) and a fast password
hasher (Argon2's deliberate cost would dominate a suite that creates hundreds of users; the production hasher
is asserted in tests/accounts/test_services.py)."""

import os

os.environ.setdefault("G60_HTTPS", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from g60.settings import *  # noqa: F403
from g60.settings import STATIC_ROOT

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Tests render pages without running collectstatic first; hashed names are a deployment concern.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# django-axes (the login lockout) is off for the suite: Client.login() authenticates without a request, which axes
# refuses. tests/accounts/test_login_lockout.py switches it on; its attempts are rows rolled back with each test.
AXES_ENABLED = False
