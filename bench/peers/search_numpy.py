"""Peer of `bench/search.bench.ts`: exact inner-product top-k with numpy (matmul + argpartition + sort).

Reads the passages and queries the bench wrote (raw little-endian float32, row-major), searches
them in query blocks like the bench (scores = Q @ P.T, then per row argpartition for the top k
and a sort of those k), for a float32 index and for a float16 index converted to float32 one
passage block at a time (2 bytes per value held, as the bench's float16 store). Prints one JSON
object: numpy version, the BLAS library actually loaded, threads, queries/s per (dtype, k), and
the top-10 row numbers of the first queries (for the bench's agreement check).

Threads: OPENBLAS_NUM_THREADS / OMP_NUM_THREADS default to 2 (set before numpy loads).
Never run in CI; the bench calls it when a Python with numpy is found.
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
os.environ.setdefault("OMP_NUM_THREADS", os.environ["OPENBLAS_NUM_THREADS"])

import numpy as np  # noqa: E402


def loaded_blas():
    """Shared libraries with blas/lapack in their name mapped into this process (Linux), else []."""
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower()}
        return sorted(os.path.basename(p) for p in paths)
    except OSError:
        return []


def top_k(scores, k):
    """Row-wise top k (indices and values) of a [nq, n] score block, best first."""
    k = min(k, scores.shape[1])
    if k < scores.shape[1]:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(scores.shape[1]), (scores.shape[0], 1))
    values = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(values, order, axis=1)


def search(passages, queries, k, query_block, passage_block, as_float16):
    """Top-k rows of every query; a float16 index is converted to float32 per passage block."""
    nq = queries.shape[0]
    ids = np.empty((nq, min(k, passages.shape[0])), dtype=np.int64)
    for q0 in range(0, nq, query_block):
        q = queries[q0 : q0 + query_block]
        if not as_float16:
            scores = q @ passages.T
        else:
            scores = np.empty((q.shape[0], passages.shape[0]), dtype=np.float32)
            for p0 in range(0, passages.shape[0], passage_block):
                block = passages[p0 : p0 + passage_block].astype(np.float32)
                scores[:, p0 : p0 + block.shape[0]] = q @ block.T
        ids[q0 : q0 + q.shape[0]] = top_k(scores, k)[0]
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--passages", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--dim", type=int, required=True)
    ap.add_argument("--ks", default="10,1000")
    ap.add_argument("--query-block", type=int, default=256)
    ap.add_argument("--passage-block", type=int, default=65536)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--agreement-queries", type=int, default=200)
    args = ap.parse_args()
    passages = np.fromfile(args.passages, dtype="<f4").reshape(-1, args.dim)
    queries = np.fromfile(args.queries, dtype="<f4").reshape(-1, args.dim)
    halves = passages.astype(np.float16)
    np.dot(queries[:8], passages[:1000].T)  # load the BLAS library before reading the maps
    out = {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "blas": loaded_blas(),
        "threads": int(os.environ["OPENBLAS_NUM_THREADS"]),
        "passages": passages.shape[0],
        "queries": queries.shape[0],
        "dim": args.dim,
        "queryBlock": args.query_block,
        "runs": [],
    }
    for dtype, index in (("float32", passages), ("float16", halves)):
        for k in (int(x) for x in args.ks.split(",")):
            best = float("inf")
            ids = None
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                ids = search(index, queries, k, args.query_block, args.passage_block, dtype == "float16")
                best = min(best, time.perf_counter() - t0)
            out["runs"].append(
                {
                    "dtype": dtype,
                    "k": k,
                    "seconds": best,
                    "queriesPerSec": queries.shape[0] / best,
                    "top10": ids[: args.agreement_queries, :10].tolist(),
                }
            )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
