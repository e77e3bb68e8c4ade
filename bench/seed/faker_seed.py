"""The reference a seed generator is usually compared with: Python + Faker, rows generated one by one
and inserted with executemany, committed at the end. Prints "ROWS SECONDS".

usage: faker_seed.py postgres|mysql HOST PORT USER DATABASE MOVIMENTOS   (password in $BENCH_DB_PASSWORD)
"""
import os
import random
import sys
import time

from faker import Faker


def connect(dialect, host, port, user, database):
    password = os.environ["BENCH_DB_PASSWORD"]
    if dialect == "postgres":
        import psycopg
        return psycopg.connect(host=host, port=port, user=user, password=password, dbname=database), "%s"
    import pymysql
    return pymysql.connect(host=host, port=port, user=user, password=password, database=database,
                           charset="utf8mb4"), "%s"


def main():
    dialect, host, port, user, database, movimentos = sys.argv[1:7]
    movimentos = int(movimentos)
    associados = max(100, movimentos // 200)
    fake = Faker("pt_BR")
    Faker.seed(1)
    random.seed(1)
    conn, p = connect(dialect, host, int(port), user, database)
    cur = conn.cursor()
    start = time.monotonic()
    rows = 0

    members = [(i, fake.first_name(), fake.last_name(), random.randint(18, 90), fake.email())
               for i in range(1, associados + 1)]
    cur.executemany(f"INSERT INTO associado (id, nome, sobrenome, idade, email) VALUES ({p}, {p}, {p}, {p}, {p})", members)
    accounts, cards = [], []
    for member in members:
        for _ in range(random.randint(1, 3)):
            account_id = len(accounts) + 1
            created = fake.date_time_between(start_date="-10y", end_date="-1y")
            accounts.append((account_id, random.choice(["CC", "CP"]), created, member[0]))
            for _ in range(random.randint(1, 2)):
                cards.append((len(cards) + 1, fake.credit_card_number(), f"{member[1]} {member[2]}".upper()[:26],
                              created, account_id, member[0]))
    cur.executemany(f"INSERT INTO conta (id, tipo, data_criacao, id_associado) VALUES ({p}, {p}, {p}, {p})", accounts)
    cur.executemany(f"INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, id_associado) "
                    f"VALUES ({p}, {p}, {p}, {p}, {p}, {p})", cards)
    rows += len(members) + len(accounts) + len(cards)

    batch = []
    sql = f"INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES ({p}, {p}, {p}, {p}, {p})"
    for i in range(1, movimentos + 1):
        batch.append((i, round(random.lognormvariate(4, 1), 2), fake.company(),
                      fake.date_time_between(start_date="-1y", end_date="now"), random.randint(1, len(cards))))
        if len(batch) == 10000:
            cur.executemany(sql, batch)
            batch.clear()
    if batch:
        cur.executemany(sql, batch)
    rows += movimentos
    conn.commit()
    print(rows, f"{time.monotonic() - start:.3f}")


if __name__ == "__main__":
    main()
