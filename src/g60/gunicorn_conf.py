"""gunicorn's settings for `g60 serve` (loaded as `--config python:g60.gunicorn_conf`).

A worker loads Django, the URL configuration with every view and API schema, and the translation catalogues:
a few hundred thousand long-lived objects. Python's cyclic garbage collector walks all of them at each full
(generation 2) collection, which a worker under load runs every few hundred requests: 55-78 ms each on this
machine, during which the request in hand waits (the register benchmark's detail lookups on PostgreSQL: p50
9.5 ms, p95 62-85 ms, the slow ones exactly at those collections). `gc.freeze()` moves the objects that exist
once a worker is ready into a permanent generation that collections skip (what the documentation of
`gc.freeze` recommends for pre-forked servers), so a full collection walks only what requests left behind.
"""

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """After the worker has loaded the application: load what Django otherwise loads at the first request,
    then freeze everything alive."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every URL module, its views and the API's schemas
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Search")  # loads the language's catalogue
    gc.collect()  # garbage from loading is freed, not frozen
    gc.freeze()
