#!/usr/bin/env python3
"""Seeded CSV lead list generator for benchmarks: gen_csv.py ROWS SEED > file.csv

Columns like a vendor's call list (HubSpot-style headers); about 1% of rows
repeat an earlier person with the email in capitals, as real lists do."""
import random
import sys

rows, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
first = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas"]
last = ["Smith", "Garcia", "Rossi", "Dubois", "Jansen", "Nakamura", "Chen", "Silva", "Novak", "Berg"]
titles = ["VP Sales", "CTO", "IT Manager", "CFO", "Head of Operations"]
countries = ["US", "DE", "GB", "SG", "CA", "FR", "NL"]
out = sys.stdout
out.write("First Name,Last Name,Email,Phone Number,Company Name,Job Title,Country/Region,Number of Employees,Budget\r\n")
emails = []
for i in range(rows):
    if emails and rng.random() < 0.01:
        e = rng.choice(emails).upper()
    else:
        e = f"lead{seed}.{i}@co{rng.randrange(100000)}.example"
        if len(emails) < 10000:
            emails.append(e)
    f, l = rng.choice(first), rng.choice(last)
    # Phones and companies are unique per row: the only duplicates in a
    # file are the deliberate repeats above.
    out.write(f"{f},{l},{e},+1 {200 + seed} {i // 10000:03d} {i % 10000:04d},\"Company {seed}-{i}, Inc.\","
              f"{rng.choice(titles)},{rng.choice(countries)},{rng.randrange(5, 20000)},{rng.choice(['confirmed', 'unknown'])}\r\n")
