#!/usr/bin/env python3
"""Cuts the small real-data excerpts in tests/data/ from the project's shared datasets.

Usage: python3 scripts/make_samples.py ../shared/data
Licences (see tests/data/SOURCES.md): UCDP data CC BY 4.0; PetroIvaniuk dataset MIT;
scarnecchia/oryx_data CC BY 4.0. Only these are copied.
"""
import csv, sys, os

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"

with open(os.path.join(data, "ucdp-ged-candidate/ged_candidate_2021_subset.csv"), newline="") as f:
    rows = [r for r in csv.DictReader(f) if r["low"] != r["high"]][:50]
with open("tests/data/ucdp_sample.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "quantity", "sources", "low", "high", "central", "as_of"])
    for r in rows:
        w.writerow([f"ucdp-{r['id']}", f"deaths-event-{r['id']}", "ucdp", r["low"], r["high"], r["best"], r["date_start"][:10]])

with open(os.path.join(data, "ukraine-russia-losses/claims_ua_mod_vs_oryx.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
keep_dates = {"2022-03-28", "2023-02-24", "2024-02-24", "2025-02-24"}
keep_q = {"russia.tanks", "russia.artillery", "russia.aircraft", "russia.helicopters"}
with open("tests/data/oryx_sample.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "quantity", "sources", "low", "high", "central", "as_of", "note"])
    for r in rows:
        if r["as_of_date"] in keep_dates and r["quantity_key"] in keep_q:
            q = f"{r['quantity_key']}@{r['as_of_date']}"
            if r["source"] == "oryx":
                w.writerow([f"oryx-{q}", q, "oryx", r["value"], "", "", r["as_of_date"], "photo-confirmed minimum"])
            else:
                w.writerow([f"uags-{q}", q, "ua-general-staff", r["value"], r["value"], r["value"], r["as_of_date"], r["claim_type"]])
print("written")

# The whole tank series (617 shared dates): the General Staff's cumulative claims, as exact
# figures, against Oryx's photo-confirmed floors, one cumulative quantity (issue "Figures as
# of a date"; examples/oryx.rs and tests/time.rs).
with open("tests/data/oryx_tanks.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "quantity", "sources", "low", "high", "central", "as_of"])
    for r in rows:
        if r["quantity_key"] != "russia.tanks":
            continue
        d = r["as_of_date"]
        if r["source"] == "oryx":
            w.writerow([f"oryx-{d}", "russia-tanks", "oryx", r["value"], "", "", d])
        else:
            w.writerow([f"uags-{d}", "russia-tanks", "ua-general-staff", r["value"], r["value"], r["value"], d])
print("written oryx_tanks.csv")
