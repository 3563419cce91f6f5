"""losslake, nightly: prepare a plan, federate it with several strategies in parallel, sweep, fit.

Each task is one `spark-submit` of the losslake jar through SparkSubmitOperator
(apache-airflow-providers-apache-spark), its Spark master and settings from an Airflow Spark
connection. Every task writes into one lake (`lake` below). The federate tasks are one mapped task
(dynamic task mapping): one instance per strategy in `strategies`, run side by side, so the lake
must take several writers at once: HDFS (the default here; Delta's HDFS log store commits with
HDFS's atomic rename, which refuses an existing version) or a folder losslake's own processes
share. On s3a:// Delta's default log store is safe for one writer at a time only (the README's
"Several jobs into one lake"): there, pass `max_active_tis_per_dagrun=1` to the federate task.

Trigger with other values in the UI or with `airflow dags trigger losslake_nightly --conf '{...}'`.
The jar, the lake and the connection are parameters; so are the plan and the sweep file, which must
be readable where the driver runs (a path on every node, or s3a://).

Tested by spark-jobs' AirflowDagTest: it imports this file against a stub of the Airflow API used
here, checks the task graph, and runs `losslake <command> --help` for every command and option the
DAG passes, so a renamed option breaks the build.
"""
from __future__ import annotations

from datetime import datetime, timezone

from airflow import DAG
from airflow.decorators import task
from airflow.models.param import Param
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

MAIN_CLASS = "io.losslake.spark.Main"

# One OpenMP thread per Spark task for ND4J (losslake also sets it when missing). The Java 17
# module openings Spark needs belong in the cluster's spark-defaults.conf
# (conf/spark-defaults.cpu.conf), as for the README's spark-submit line.
SPARK_CONF = {"spark.executorEnv.OMP_NUM_THREADS": "1"}


class LosslakeSubmit(SparkSubmitOperator):
    """SparkSubmitOperator whose Spark connection is a template too, so that a DAG param can choose it.

    The provider resolves the connection when the task runs, from the id it keeps in `_conn_id`;
    this sets that id from the rendered `spark_conn_id` just before.
    """

    template_fields = (*SparkSubmitOperator.template_fields, "spark_conn_id")

    def __init__(self, *, spark_conn_id: str = "{{ params.spark_conn_id }}", **kwargs):
        super().__init__(application="{{ params.jar }}", java_class=MAIN_CLASS, conf=dict(SPARK_CONF), **kwargs)
        self.spark_conn_id = spark_conn_id

    def execute(self, context):
        self._conn_id = self.spark_conn_id
        return super().execute(context)


with DAG(
    dag_id="losslake_nightly",
    description="prepare -> federate (one task per strategy) -> sweep -> fit, into one losslake lake",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["losslake"],
    params={
        "jar": Param("/opt/losslake/losslake.jar", type="string", description="the shaded losslake jar, readable by spark-submit"),
        "lake": Param("hdfs:///losslake/lake", type="string", description="the lake root every task writes into"),
        "spark_conn_id": Param("spark_default", type="string", description="the Airflow Spark connection (master, deploy mode)"),
        "input": Param("/usr/share/datasets/fashion-mnist", type="string", description="the IDX folder prepare reads"),
        "plan": Param("fmnist-dir0.5-c100", type="string", description="the partition plan prepare writes and federate trains on"),
        "clients": Param(100, type="integer", minimum=1),
        "alpha": Param(0.5, type="number", exclusiveMinimum=0, description="Dirichlet label-skew concentration"),
        "strategies": Param(["fedavg", "fedprox", "scaffold", "fedld"], type="array", description="one federate task each"),
        "rounds": Param(50, type="integer", minimum=1),
        "seed": Param(1, type="integer"),
        "sweep_config": Param("/opt/losslake/conf/sweeps/fmnist-mlp.yaml", type="string", description="the sweep file"),
        "sweep": Param("fmnist-mlp", type="string", description="the sweep's name: key, which fit selects"),
    },
) as dag:
    prepare = LosslakeSubmit(
        task_id="prepare",
        name="losslake-prepare",
        application_args=[
            "prepare", "--input", "{{ params.input }}", "--scheme", "dirichlet", "--alpha", "{{ params.alpha }}",
            "--clients", "{{ params.clients }}", "--plan", "{{ params.plan }}", "--seed", "{{ params.seed }}",
            "--lake", "{{ params.lake }}",
        ],
    )

    @task
    def federate_arguments(params=None) -> list[list[str]]:
        """One federate command line per strategy of the run's params."""
        return [
            ["federate", "--plan", str(params["plan"]), "--strategy", str(strategy), "--rounds", str(params["rounds"]),
             "--model", "cnn", "--local-epochs", "10", "--batch-size", "64", "--optimizer", "momentum", "--lr", "0.01",
             "--seed", str(params["seed"]), "--lake", str(params["lake"])]
            for strategy in params["strategies"]
        ]

    federate = LosslakeSubmit.partial(task_id="federate", name="losslake-federate").expand(application_args=federate_arguments())

    sweep = LosslakeSubmit(
        task_id="sweep",
        name="losslake-sweep",
        application_args=["sweep", "--config", "{{ params.sweep_config }}", "--lake", "{{ params.lake }}"],
    )

    fit = LosslakeSubmit(
        task_id="fit",
        name="losslake-fit",
        application_args=[
            "fit", "--table", "sweep_points", "--where", "sweep = '{{ params.sweep }}' AND eval_set = 'test'",
            "--group-by", "mode", "--form", "chinchilla", "--lake", "{{ params.lake }}",
        ],
    )

    prepare >> federate >> sweep >> fit
