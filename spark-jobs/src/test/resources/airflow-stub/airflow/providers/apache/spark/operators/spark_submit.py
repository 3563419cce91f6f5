from __future__ import annotations

from airflow.models import BaseOperator


class SparkSubmitOperator(BaseOperator):
    """The provider's operator as far as a DAG file sees it: its arguments and templated fields."""

    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages", "exclude_packages",
                       "keytab", "principal", "proxy_user", "name", "application_args", "env_vars", "post_submit_commands",
                       "properties_file")

    def __init__(self, *, application="", conf=None, conn_id="spark_default", files=None, py_files=None, archives=None,
                 driver_class_path=None, jars=None, java_class=None, packages=None, exclude_packages=None, repositories=None,
                 total_executor_cores=None, executor_cores=None, executor_memory=None, driver_memory=None, keytab=None,
                 principal=None, proxy_user=None, name="arrow-spark", num_executors=None, status_poll_interval=1,
                 application_args=None, env_vars=None, verbose=False, spark_binary=None, properties_file=None, yarn_queue=None,
                 deploy_mode=None, **kwargs):
        super().__init__(**kwargs)
        self.application = application
        self.conf = conf
        self._conn_id = conn_id
        self._java_class = java_class
        self.name = name
        self.application_args = application_args
        self.env_vars = env_vars

    def execute(self, context):
        raise RuntimeError("the stub does not submit anything")
