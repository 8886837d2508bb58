"""Django's PostgreSQL backend, with a health check that costs no round trip.

Connections persist between requests (CONN_MAX_AGE) and are checked before a request reuses one
(CONN_HEALTH_CHECKS), so that a connection the server has closed meanwhile (a restart, a terminated backend, an
idle timeout) is replaced instead of failing the request. Django checks with `SELECT 1`: one more round trip
for every request, as dear as the query a register lookup by USCC makes (a quarter of a server worker's
py-spy samples, waits included, under the register benchmark's detail lookups).

An idle connection has nothing to read; a server that closes one first sends its reason and then closes the
socket. So the check asks the operating system whether anything is waiting, without reading or waiting: nothing
→ usable; anything (the goodbye, a hang-up) → the connection is closed and Django opens a new one. What it cannot
see is a peer that vanished without a word (a cut network); SELECT 1 would then hang until TCP gives up, and the
request's query does the same.
"""

from __future__ import annotations

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            # poll(), not select(): select() refuses descriptors above 1023, which a busy process may have.
            waiting = select.poll()
            waiting.register(self.connection.pgconn.socket, select.POLLIN | select.POLLPRI)
            unasked = bool(waiting.poll(0))  # readable, or hung up or in error (always reported)
        except (OSError, psycopg.Error):
            return False
        if unasked:
            # Something arrived on an idle connection: the server's goodbye (or a notice, for a NOTIFY this
            # platform does not LISTEN for). Not reused, and closed at once: a second check must not find the
            # socket drained and call the connection usable.
            self.connection.close()
            return False
        return self.connection.pgconn.status == pq.ConnStatus.OK
