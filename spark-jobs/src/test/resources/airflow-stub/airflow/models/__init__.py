from __future__ import annotations

from airflow import current_dag


def _tasks(other):
    return other if isinstance(other, (list, tuple)) else [other]


class DependencyMixin:
    """`a >> b` and `a << b`, as Airflow's tasks, mapped tasks and task outputs do."""

    def _node(self):
        return self

    def __rshift__(self, other):
        for o in _tasks(other):
            current_dag().edges.add((self._node().task_id, o._node().task_id))
        return other

    def __lshift__(self, other):
        for o in _tasks(other):
            current_dag().edges.add((o._node().task_id, self._node().task_id))
        return other


class BaseOperator(DependencyMixin):
    template_fields: tuple = ()

    def __init__(self, *, task_id, retries=None, retry_delay=None, pool=None, queue=None, trigger_rule=None,
                 execution_timeout=None, doc_md=None):
        self.task_id = task_id
        current_dag().add(self)

    @classmethod
    def partial(cls, **kwargs):
        return _Partial(cls, kwargs)


class _Partial:
    def __init__(self, cls, kwargs):
        self.cls = cls
        self.kwargs = kwargs

    def expand(self, **mapped):
        return MappedOperator(self.cls, self.kwargs, mapped)


class MappedOperator(DependencyMixin):
    """One task instance per element of each mapped argument, created when the DAG runs."""

    def __init__(self, cls, partial_kwargs, mapped_kwargs):
        self.operator_class = cls
        self.partial_kwargs = partial_kwargs
        self.mapped_kwargs = mapped_kwargs
        self.task_id = partial_kwargs["task_id"]
        dag = current_dag()
        dag.add(self)
        for value in mapped_kwargs.values():
            if isinstance(value, DependencyMixin):
                dag.edges.add((value._node().task_id, self.task_id))
        # the operator must accept these arguments: build one instance's worth outside the DAG's task list
        probe_kwargs = dict(partial_kwargs, task_id=self.task_id + "__probe")
        probe_kwargs.update({k: [] for k in mapped_kwargs})
        probe = cls(**probe_kwargs)
        del dag.tasks[probe.task_id]
        self.probe = probe  # what each instance holds besides its mapped arguments
        for k in mapped_kwargs:
            if k not in cls.template_fields and not hasattr(probe, k):
                raise TypeError(f"{cls.__name__} has no mappable argument {k}")
