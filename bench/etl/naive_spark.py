"""Case (c) of the ETL benchmark: the job a Spark beginner writes for the same CSV.

One JDBC read of the whole joined, formatted and ordered SELECT (flat_view.<dialect>.sql) with no
partitioning, so a single task pulls every row through one connection, then coalesce(1) and a CSV
write, and the part file renamed to OUTPUT_DIR/movimento_flat.csv.

Usage: spark-submit --jars <JDBC jars> naive_spark.py OUTPUT_DIR
The database comes from SICOOP_BENCH_DB_URL (the sicoop URL, postgresql:// or mysql://), read from
the environment so that its password is not on any command line.
"""
import glob
import os
import shutil
import sys
from urllib.parse import unquote, urlsplit

from pyspark.sql import SparkSession

DIALECTS = {  # URL scheme -> (JDBC scheme, driver class, SQL file)
    "postgresql": ("postgresql", "org.postgresql.Driver", "flat_view.postgresql.sql"),
    "mysql": ("mysql", "com.mysql.cj.jdbc.Driver", "flat_view.mysql.sql"),
    "mariadb": ("mysql", "com.mysql.cj.jdbc.Driver", "flat_view.mysql.sql"),
}


def jdbc_options():
    """The JDBC reader options for $SICOOP_BENCH_DB_URL, and the flat view's SQL file name."""
    url = urlsplit(os.environ["SICOOP_BENCH_DB_URL"])
    jdbc_scheme, driver, sql_file = DIALECTS[url.scheme]
    options = {
        "url": f"jdbc:{jdbc_scheme}://{url.hostname}:{url.port}{url.path}",
        "driver": driver,
        "user": unquote(url.username),
        "password": unquote(url.password),
        # The one tuning every JDBC tutorial shows: without it the PostgreSQL driver holds the
        # whole result set in the JVM's memory before the first row is written.
        "fetchsize": "10000",
    }
    return options, sql_file


def main(output_dir):
    options, sql_file = jdbc_options()
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), sql_file)) as f:
        query = f.read()
    spark = SparkSession.builder.appName("sicoop-bench-naive").getOrCreate()
    frame = spark.read.format("jdbc").options(**options).option("query", query).load()
    staging = os.path.join(output_dir, "_naive_spark")
    frame.coalesce(1).write.mode("overwrite").option("header", True).option("escape", '"').csv(staging)
    (part,) = glob.glob(os.path.join(staging, "part-*.csv"))
    os.replace(part, os.path.join(output_dir, "movimento_flat.csv"))
    shutil.rmtree(staging)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
