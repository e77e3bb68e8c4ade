"""Case (e) of the ETL benchmark: sicoop's plan with the join pushed down to the database.

The same time-sliced, partitioned read of movimento as sicoop etl, but each JDBC partition runs the
whole joined, formatted SELECT (flat_view.<dialect>.sql) in the database instead of Spark reading
the four tables and broadcasting the small ones. Partitions are sorted within themselves and
written as CSV parts with sicoop's CSV options; the parts, in order behind one header, make
OUTPUT_DIR/movimento_flat.csv. It answers one design question: join in Spark or in the database.

Usage: spark-submit --jars <JDBC jars> pushdown_spark.py OUTPUT_DIR
The database comes from SICOOP_BENCH_DB_URL, as in naive_spark.py.
"""
import glob
import os
import shutil
import sys
from datetime import datetime

from pyspark.sql import SparkSession

from naive_spark import DIALECTS, jdbc_options

HEADER = ("nome_associado,sobrenome_associado,idade_associado,vlr_transacao_movimento,"
          "des_transacao_movimento,data_movimento,numero_cartao,nome_impresso_cartao,"
          "data_criacao_cartao,tipo_conta,data_criacao_conta\n")
CSV_OPTIONS = {"sep": ",", "header": "false", "quote": '"', "escape": '"', "escapeQuotes": "true",
               "ignoreLeadingWhiteSpace": "false", "ignoreTrailingWhiteSpace": "false",
               "emptyValue": "", "nullValue": "", "lineSep": "\n", "encoding": "UTF-8"}
ROWS_PER_PARTITION = 250_000  # as sicoop's extraction plan


def pushed_down_query(sql_file):
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), sql_file)) as f:
        query = f.read()
    query = "\n".join(line for line in query.splitlines() if not line.startswith("--"))
    query = query[:query.index("ORDER BY")]  # the order comes from the slices and the partition sort
    return query.replace("\nFROM movimento m", ", m.data_movimento AS slice_time, m.id AS slice_id\nFROM movimento m")


def time_slices(spark, options, partitions):
    """Contiguous ranges of movimento.data_movimento; the first and last are open, so every row
    falls in exactly one whatever time zone the bounds pass through."""
    bounds = (spark.read.format("jdbc").options(**options)
              .option("query", "SELECT MIN(data_movimento) AS lo, MAX(data_movimento) AS hi FROM movimento")
              .load().collect()[0])
    if partitions < 2 or bounds.lo is None:
        return ["1=1"]
    lo, hi = bounds.lo.timestamp(), bounds.hi.timestamp() + 1
    edges = [datetime.fromtimestamp(lo + (hi - lo) * i / partitions).strftime("'%Y-%m-%d %H:%M:%S'")
             for i in range(1, partitions)]
    lower = [None] + edges
    upper = edges + [None]
    return [" AND ".join(([f"slice_time >= {a}"] if a else []) + ([f"slice_time < {b}"] if b else []))
            for a, b in zip(lower, upper)]


def main(output_dir):
    options, sql_file = jdbc_options()
    spark = SparkSession.builder.appName("sicoop-bench-pushdown").getOrCreate()
    rows = (spark.read.format("jdbc").options(**options).option("query", "SELECT COUNT(*) AS n FROM movimento")
            .load().collect()[0].n)
    partitions = max(2, min(256, -(-rows // ROWS_PER_PARTITION)))
    predicates = time_slices(spark, options, partitions)
    properties = {k: v for k, v in options.items() if k != "url"}
    frame = spark.read.jdbc(options["url"], f"({pushed_down_query(sql_file)}) flat", predicates=predicates,
                            properties=properties)
    staging = os.path.join(output_dir, "_pushdown_spark")
    (frame.sortWithinPartitions("data_movimento", "slice_id").drop("slice_time", "slice_id")
     .write.mode("overwrite").options(**CSV_OPTIONS).csv(staging))
    with open(os.path.join(output_dir, "movimento_flat.csv"), "wb") as out:
        out.write(HEADER.encode())
        for part in sorted(glob.glob(os.path.join(staging, "part-*.csv"))):
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
    shutil.rmtree(staging)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
