"""The request that is being served, for audit rows written deep inside services."""

from contextvars import ContextVar

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)
