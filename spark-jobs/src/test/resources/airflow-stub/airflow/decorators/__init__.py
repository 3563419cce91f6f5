from __future__ import annotations

import functools

from airflow import current_dag
from airflow.models import DependencyMixin


class _PythonTask(DependencyMixin):
    def __init__(self, fn):
        self.task_id = fn.__name__
        self.fn = fn
        current_dag().add(self)


class XComArg(DependencyMixin):
    """A task's return value, passed to another task (which then depends on it)."""

    def __init__(self, task):
        self.task = task

    def _node(self):
        return self.task


def task(fn):
    @functools.wraps(fn)
    def call(*args, **kwargs):
        if args or kwargs:
            raise TypeError("the stub's @task functions take their inputs from the context (params) only")
        return XComArg(_PythonTask(fn))

    call.function = fn
    return call
