"""The id of the request being served, so that audit rows written deep in a service can name it."""

from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("g60_request_id", default="")


def current_request_id() -> str:
    return request_id_var.get()
