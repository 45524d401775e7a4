#!/usr/bin/env python3
"""The same stages computed on two inference engines, side by side (issue 14: published numbers
under onnxruntime inference).

usage: python3 repro/engine-parity.py CACHE_DIR [FIELD ...]   (FIELD default: inference)

Pairs the stage-cache entries (index, retrieve, rerank, fuse) whose keys differ only in FIELD
(a run with the default `inference` beside the tfjs entries it left in place; upstream hashes
mapped through the pairs found so far) and prints, per paired stage with a run file: the largest
|score difference| over the (query, document) pairs both runs hold, the queries whose document
order differs, and the documents in one run's list and not the other's. The older entry of a
pair is taken as the first engine's.
"""
import json, os, sys

cache = sys.argv[1]
fields = set(sys.argv[2:] or ["inference"])
ORDER = ["index", "retrieve", "rerank", "fuse"]


def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in fields}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x


def read_run(path):
    run = {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) < 6:
                continue
            run.setdefault(p[0], []).append((p[2], float(p[4])))
    return run


old_of = {}
rows = []
for stage in ORDER:
    d = os.path.join(cache, stage)
    if not os.path.isdir(d):
        continue
    groups = {}
    for h in os.listdir(d):
        mf = os.path.join(d, h, "manifest.json")
        if not os.path.exists(mf):
            continue
        m = json.load(open(mf))
        ups = {k: old_of.get(v, v) for k, v in (m.get("upstream") or {}).items()}
        canon = json.dumps({"id": m["id"], "key": strip(m["key"]), "up": ups}, sort_keys=True)
        groups.setdefault(canon, []).append(m)
    for canon, ms in groups.items():
        if len(ms) < 2:
            continue
        ms.sort(key=lambda m: m["createdAt"])
        old, new = ms[0], ms[-1]
        if json.dumps(old["key"], sort_keys=True) == json.dumps(new["key"], sort_keys=True):
            continue
        old_of[new["hash"]] = old["hash"]
        run_file = (new.get("output") or {}).get("run")
        if stage == "index" or not run_file:
            rows.append((stage, new["id"], "-", "-", "-"))
            continue
        a = read_run(os.path.join(d, old["hash"], old["output"]["run"]))
        b = read_run(os.path.join(d, new["hash"], run_file))
        max_diff, order_diff, set_diff = 0.0, 0, 0
        for q in set(a) | set(b):
            ra, rb = a.get(q, []), b.get(q, [])
            sa, sb = dict(ra), dict(rb)
            for doc in set(sa) & set(sb):
                max_diff = max(max_diff, abs(sa[doc] - sb[doc]))
            set_diff += len(set(sa) ^ set(sb))
            if [x for x, _ in ra] != [x for x, _ in rb]:
                order_diff += 1
        rows.append((stage, new["id"], f"{max_diff:.2e}", str(order_diff), str(set_diff)))

print("| stage | id | max abs score diff | queries with another order | docs in one list only |")
print("|---|---|---:|---:|---:|")
for r in sorted(rows):
    print("| " + " | ".join(r) + " |")
