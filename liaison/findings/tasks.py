"""Rebuilding a source's stored findings in the background worker (django-tasks, database backend).

A change that touches every object of a source — a warning limit in the prefecture settings — would otherwise
recompute thousands of councils inside the request that saved it (about 1 s per 1,000 councils).
"""

from django_tasks import task


@task()
def rebuild_source(source: str) -> int:
    """Recompute every stored finding of ``source``; returns how many objects were refreshed."""
    from . import store

    return store.refresh_all(source)
