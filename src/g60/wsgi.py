"""The WSGI entry point (for a server of your own; `g60 serve` runs g60.serving, which loads and freezes it first)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g60.settings")
application = get_wsgi_application()
