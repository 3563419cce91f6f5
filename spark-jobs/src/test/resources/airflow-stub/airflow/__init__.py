"""A minimal stand-in for the parts of Apache Airflow's API that conf/airflow/losslake_dag.py uses.

Airflow is not installable in losslake's build; this stub records what a DAG file declares (the DAG,
its params, its tasks and their dependencies, mapped tasks) so a test can check it. It refuses what
Airflow refuses where a typo would hide: unknown operator arguments, tasks outside a DAG, params
whose default does not match their declared type.
"""
from __future__ import annotations

_CURRENT: list["DAG"] = []
DAGS: list["DAG"] = []


class DAG:
    def __init__(self, dag_id, *, description=None, schedule=None, start_date=None, catchup=True, max_active_runs=16,
                 tags=None, params=None, default_args=None, doc_md=None):
        if start_date is None:
            raise TypeError("a scheduled DAG needs a start_date")
        self.dag_id = dag_id
        self.description = description
        self.schedule = schedule
        self.start_date = start_date
        self.catchup = catchup
        self.max_active_runs = max_active_runs
        self.tags = tags or []
        self.params = dict(params or {})
        self.tasks = {}
        self.edges = set()
        DAGS.append(self)

    def __enter__(self):
        _CURRENT.append(self)
        return self

    def __exit__(self, *exc):
        _CURRENT.pop()
        return False

    def add(self, task):
        if task.task_id in self.tasks:
            raise ValueError(f"duplicate task_id {task.task_id}")
        self.tasks[task.task_id] = task


def current_dag() -> DAG:
    if not _CURRENT:
        raise RuntimeError("a task must be created inside 'with DAG(...)'")
    return _CURRENT[-1]
