"""The daily run of sicoop's lake: ingest -> build -> verify -> export, each a `sicoop lake` command.

Credentials never appear here nor on a command line: the source database's password comes from the
Airflow Connection `sicoop_source` (or from a file, Variable `sicoop_db_password_file`) and reaches
sicoop through its environment; the card-token key is a file (Variable `sicoop_token_key_file`).
Paths and endpoints come from Airflow Variables (deploy/airflow/README.md lists them).
"""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Variable

SOURCE_CONN_ID = "sicoop_source"
# Airflow connection types -> the schemes of sicoop's --db URL.
SCHEMES = {"postgres": "postgresql", "postgresql": "postgresql", "mysql": "mysql"}


def _setting(name: str, default: str) -> str:
    # Read when the DAG file is parsed: these shape the tasks themselves (retries cannot be templated).
    # Environment variables (AIRFLOW_VAR_...) answer before the metadata database is asked.
    return Variable.get(name, default=default)


# Every task is safe to retry: ingestion is exactly once (rows and watermark land in one Iceberg commit,
# a run killed at any point leaves the lake as before or after that commit), build and export rewrite
# their products whole, and verify only reads. So all of them retry, with exponential back-off; the
# defaults suit a daily run: 3 retries after 2, 4 and 8 minutes (at most 30). The first delay must outlast
# the Spark server's session timeout: a try killed outright leaves its last operation running there until
# then (docs/lake.md, "A known limit"; 30 s on the servers sicoop starts).
DEFAULT_ARGS = {
    "owner": "sicoop",
    "retries": int(_setting("sicoop_retries", "3")),
    "retry_delay": timedelta(seconds=int(_setting("sicoop_retry_delay_seconds", "120"))),
    "retry_exponential_backoff": 2.0,
    "max_retry_delay": timedelta(seconds=int(_setting("sicoop_max_retry_delay_seconds", "1800"))),
    # Past it Airflow sends SIGTERM, on which sicoop interrupts its Spark operations before it exits.
    "execution_timeout": timedelta(minutes=int(_setting("sicoop_task_timeout_minutes", "240"))),
}


def sicoop_db_url(conn) -> str:
    """The connection as sicoop's --db URL, without its password (that goes through the environment)."""
    scheme = SCHEMES.get(conn.conn_type)
    if scheme is None:
        raise ValueError(
            f"connection {SOURCE_CONN_ID}: type {conn.conn_type!r} is not a database sicoop reads; "
            "use postgres or mysql")
    port = f":{conn.port}" if conn.port else ""
    return f"{scheme}://{quote(conn.login or '', safe='')}@{conn.host}{port}/{quote(conn.schema or '', safe='')}"


def manifest_path(last_line: str) -> str:
    """Where the run's manifest is, from the manifest that `--json` prints as sicoop's last line:
    LAKE/_sicoop/runs/<UTC start, compact>-<run id>.json (docs/lake.md, "Run manifests")."""
    manifest = json.loads(last_line)
    started = manifest["started_at"].replace("-", "").replace(":", "")
    return f"{manifest['lake'].rstrip('/')}/_sicoop/runs/{started}-{manifest['run_id']}.json"


def verify_summary(last_line: str) -> dict:
    """verify writes no manifest (it only reads): its figures instead."""
    report = json.loads(last_line)
    return {key: report[key] for key in ("status", "watermark", "days", "rows")}


# Rendered when a task runs, never when the file is parsed. An empty Variable leaves sicoop's own
# default (the profile's value, then its built-in one).
LAKE_ENV = {
    "SICOOP_BINARY": "{{ var.value.get('sicoop_binary', 'sicoop') }}",
    "SICOOP_LAKE": "{{ var.value.sicoop_lake }}",
    "SICOOP_SPARK_URL": "{{ var.value.get('sicoop_spark', '') }}",
    "SICOOP_PROFILE": "{{ var.value.get('sicoop_profile', '') }}",
}
SOURCE_ENV = {
    "SICOOP_DB_URL": "{{ sicoop_db_url(conn." + SOURCE_CONN_ID + ") }}",
    # Airflow masks a connection's password and every value under a key named *PASSWORD* in its logs
    # and rendered fields.
    "SICOOP_DB_PASSWORD": "{{ conn." + SOURCE_CONN_ID + ".password or '' }}",
    "SICOOP_DB_PASSWORD_FILE": "{{ var.value.get('sicoop_db_password_file', '') }}",
}

with DAG(
    dag_id="sicoop_daily",
    description="sicoop lake: ingest, build, verify, export",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    # The lake has one writer at a time (its lock refuses a second run anyway).
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    user_defined_macros={"sicoop_db_url": sicoop_db_url},
    tags=["sicoop"],
) as dag:

    def sicoop_task(task_id: str, command: str, env: dict, output_processor=manifest_path) -> BashOperator:
        return BashOperator(
            task_id=task_id,
            # --json: the manifest (or verify's report) is the last line of output, pushed to XCom
            # through output_processor; -q: no phase lines around it.
            bash_command=f'"$SICOOP_BINARY" lake {command} --json -q',
            # Only what each command needs: build and export never see the database's password.
            env={**LAKE_ENV, **env},
            # PATH, HOME, JAVA_HOME... of the worker stay.
            append_env=True,
            # Exit 99 is no skip: every failure of sicoop is a failure.
            skip_on_exit_code=None,
            output_processor=output_processor,
        )

    ingest = sicoop_task(
        "ingest", "ingest", {**SOURCE_ENV, "SICOOP_TOKEN_KEY_FILE": "{{ var.value.sicoop_token_key_file }}"})
    build = sicoop_task("build", "build", {})
    # Exit 1 when a day differs from the source: the export below does not run.
    verify = sicoop_task("verify", "verify", SOURCE_ENV, output_processor=verify_summary)
    export = sicoop_task("export", "export", {"SICOOP_OUTPUT": "{{ var.value.sicoop_output }}"})

    ingest >> build >> verify >> export
