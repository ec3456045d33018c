"""Starting background work: see ``konvergen.core.jobs`` (the durable queue). Kept so the
apps' ``from konvergen.registry import jobs`` keeps working."""

from konvergen.core.jobs import in_worker, last_failure, register_failure_handler, start

__all__ = ["in_worker", "last_failure", "register_failure_handler", "start"]
