"""The WSGI application as `g60 serve` runs it: loaded with what a first request would load, then frozen.

A worker holds Django, the URL configuration with every view and API schema, and the translation catalogues: a
few hundred thousand long-lived objects. Python's cyclic garbage collector walks all of them at each full
(generation 2) collection, which a worker under load runs every few hundred requests: 55-78 ms each on this
machine, during which the request in hand waits (the register benchmark's detail lookups on PostgreSQL: p50
9.5 ms, p95 62-85 ms, the slow ones exactly at those collections). `gc.freeze()` moves the objects that exist
once a worker is ready into a permanent generation that collections skip (what the documentation of
`gc.freeze` recommends for pre-forked servers), so a full collection walks only what requests left behind.

uWSGI's master imports this module and forks the workers from it, so they share those pages until written and
a worker that uWSGI replaces starts at once. Nothing here opens a connection or starts a thread, and the
connections are closed all the same before the fork: a database socket shared by two workers would mix their
conversations. (Loading in each worker after the fork, `--lazy-apps`, left a window in which SIGTERM's graceful
stop waited forever for a worker still loading.)
"""

import gc

from g60.wsgi import application


def load_and_freeze() -> None:
    """Load what Django otherwise loads at the first request, close any connection, then freeze everything
    alive."""
    from django.conf import settings
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every URL module, its views and the API's schemas
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Search")  # loads the language's catalogue
    connections.close_all()
    gc.collect()  # garbage from loading is freed, not frozen
    gc.freeze()


__all__ = ["application"]
load_and_freeze()
