"""Imports a DAG file against the Airflow stub beside this script and prints what it declares as JSON.

Usage: python3 check_dag.py DAG_FILE. Templates of the form {{ params.NAME }} are rendered with the
params' defaults, and mapped arguments produced by @task functions are computed by calling them
with those params, so the output holds every command line the DAG would submit.
"""
import importlib.util
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import airflow  # noqa: E402  (the stub)
from airflow.decorators import XComArg  # noqa: E402
from airflow.models import MappedOperator  # noqa: E402


def render(value, params):
    if isinstance(value, str):
        def one(m):
            if m.group(1) not in params:
                raise KeyError(f"template names an unknown param {m.group(1)}")
            return str(params[m.group(1)])
        return re.sub(r"\{\{\s*params\.(\w+)\s*\}\}", one, value)
    if isinstance(value, list):
        return [render(v, params) for v in value]
    if isinstance(value, dict):
        return {k: render(v, params) for k, v in value.items()}
    return value


spec = importlib.util.spec_from_file_location("dag_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
(dag,) = airflow.DAGS
params = {k: p.value for k, p in dag.params.items()}
tasks = []
for task_id, t in dag.tasks.items():
    if isinstance(t, MappedOperator):
        argument_lists = []
        for name, value in t.mapped_kwargs.items():
            values = value.task.fn(params=params) if isinstance(value, XComArg) else value
            argument_lists.append({"argument": name, "values": [render(v, params) for v in values]})
        probe = t.probe
        tasks.append({"task_id": task_id, "kind": "mapped", "operator": t.operator_class.__name__, "mapped": argument_lists,
                      "template_fields": list(t.operator_class.template_fields),
                      "application": render(probe.application, params), "conn_id": render(getattr(probe, "spark_conn_id", probe._conn_id), params),
                      "java_class": probe._java_class})
    elif hasattr(t, "application_args"):
        tasks.append({"task_id": task_id, "kind": "operator", "operator": type(t).__name__,
                      "template_fields": list(type(t).template_fields),
                      "application_args": render(t.application_args, params), "application": render(t.application, params),
                      "conn_id": render(getattr(t, "spark_conn_id", t._conn_id), params), "java_class": t._java_class,
                      "conf": render(t.conf, params)})
    else:
        tasks.append({"task_id": task_id, "kind": "python"})
print(json.dumps({"dag_id": dag.dag_id, "schedule": dag.schedule, "catchup": dag.catchup, "params": params, "tasks": tasks,
                  "edges": sorted([list(e) for e in dag.edges])}, indent=1))
