#!/usr/bin/env python3
"""Deterministic generator of realistic open-invoice exports for benchmarks and tests.

    bench/generate_export.py --invoices 100000 --customers 5000 [--seed 1] [--as-of 2026-11-30] [--mean-age 45] > open.csv

Writes a generic sheet (the columns most accounting packages can export): invoice number,
customer, email, issue date, due date, total, amount due, currency. Same arguments, same bytes.
Amounts are built from integer cents, so no binary floating point leaks into the file.
"""
import argparse
import csv
import datetime
import random
import sys

PREFIXES = ["Acme", "Blue", "Cedar", "Delta", "Evergreen", "Fjord", "Granite", "Harbour", "Iris", "Juniper",
            "Kestrel", "Lumen", "Maple", "Nimbus", "Orchid", "Pioneer", "Quartz", "Riverside", "Summit", "Tundra"]
SUFFIXES = ["Analytics", "Bakery", "Consulting", "Design", "Engineering", "Foods", "Logistics", "Media", "Partners",
            "Software", "Studio", "Supplies", "Systems", "Travel", "Ventures"]
FORMS = ["Ltd", "GmbH", "Inc.", "LLP", "AS", "BV", "SARL", "Oy"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--invoices", type=int, default=100000)
    p.add_argument("--customers", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--as-of", default="2026-11-30")
    p.add_argument("--mean-age", type=float, default=45,
                   help="mean days since the due date plus 14 (larger: fewer cases at an email step today)")
    p.add_argument("--pay-fraction", type=float, default=0.0,
                   help="fraction of invoices shown as paid (amount due 0), for re-import runs")
    a = p.parse_args()
    rng = random.Random(a.seed)
    as_of = datetime.date.fromisoformat(a.as_of)
    customers = []
    for i in range(a.customers):
        name = f"{rng.choice(PREFIXES)} {rng.choice(SUFFIXES)} {rng.choice(FORMS)} {i:05d}"
        email = f"ap{i:05d}@customer{i:05d}.example"
        currency = "EUR" if rng.random() < 0.7 else rng.choice(["USD", "GBP"])
        customers.append((name, email, currency))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["Invoice Number", "Customer", "Email", "Invoice Date", "Due Date", "Total", "Amount Due", "Currency"])
    pay_rng = random.Random(a.seed + 1)
    for n in range(a.invoices):
        name, email, currency = customers[n % a.customers]
        age = int(rng.expovariate(1 / a.mean_age))  # days since due, most recent
        due = as_of - datetime.timedelta(days=age - 14)
        issued = due - datetime.timedelta(days=rng.choice([14, 30, 30, 30, 45, 60]))
        cents = rng.randint(5_000, 2_500_000)
        paid = rng.choice([0, 0, 0, 0, cents // 4, cents // 2])
        if pay_rng.random() < a.pay_fraction:
            paid = cents
        due_cents = cents - paid
        w.writerow([f"INV-{100000 + n}", name, email, issued.isoformat(), due.isoformat(),
                    f"{cents // 100}.{cents % 100:02d}", f"{due_cents // 100}.{due_cents % 100:02d}", currency])


if __name__ == "__main__":
    main()
