"""Prints one table of a Hadoop-catalog Iceberg warehouse as CSV, read with pyiceberg, not Spark.

    read_iceberg.py WAREHOUSE NAMESPACE TABLE [--columns a,b,c] [--order-by a,b]

The tests compare what sicoop wrote into the lake with this second, independent reader, so that a
bug shared by sicoop's writes and its own reads through Spark cannot hide. A Hadoop-catalog table is
WAREHOUSE/NAMESPACE/TABLE/metadata/vN.metadata.json, N named by version-hint.text beside it.

Output: a header line, then one line per row (ascending by --order-by, NULLs last); values as the
project's Spark client shows them (src/spark/dataframe.h): integers and decimals in plain notation
with the decimal's scale ("-50.00"), timestamps "YYYY-MM-DD HH:MM:SS[.f]" with trailing zeros of the
fraction dropped as Spark casts them (zoned ones as their UTC wall clock), dates "YYYY-MM-DD",
booleans "true"/"false", NULL as an empty field. Exit status 1 when the table cannot be read.
"""

import argparse
import csv
import datetime
import decimal
import pathlib
import sys

from pyiceberg.table import StaticTable


def metadata_file(warehouse, namespace, table):
    """The current metadata file of the table, as version-hint.text names it."""
    folder = pathlib.Path(warehouse, *namespace.split("."), table, "metadata")
    hint = folder / "version-hint.text"
    try:
        version = hint.read_text().strip()
    except OSError as error:
        raise SystemExit(f"read_iceberg: no Iceberg table {namespace}.{table} in {warehouse}: {error}")
    return folder / f"v{version}.metadata.json"


def text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return format(value, "f")  # never an exponent; keeps the scale
    if isinstance(value, float):
        return format(decimal.Decimal(repr(value)), "f")  # the shortest that reads back, plain
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc)
        shown = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            shown += f".{value.microsecond:06d}".rstrip("0")
        return shown
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse")
    parser.add_argument("namespace")
    parser.add_argument("table")
    parser.add_argument("--columns", help="comma-separated columns to print (default: all, in schema order)")
    parser.add_argument("--order-by", help="comma-separated columns to sort the rows by, ascending")
    args = parser.parse_args()

    table = StaticTable.from_metadata(str(metadata_file(args.warehouse, args.namespace, args.table)))
    columns = args.columns.split(",") if args.columns else [field.name for field in table.schema().fields]
    order = args.order_by.split(",") if args.order_by else []
    rows = table.scan(selected_fields=tuple(dict.fromkeys(columns + order))).to_arrow()
    if order:
        rows = rows.sort_by([(column, "ascending") for column in order])
    rows = rows.select(columns)

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(columns)
    for row in rows.to_pylist():
        out.writerow([text(row[column]) for column in columns])


if __name__ == "__main__":
    main()
