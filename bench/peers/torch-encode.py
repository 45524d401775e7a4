"""PyTorch peer of the dense bench's encode measurement (bench/dense.bench.ts; never run in CI).

Loads the BERT encoder the bench saved (a Hugging Face folder: config.json + model.safetensors,
read here with numpy; no transformers or safetensors package needed), checks its vectors equal
the toolkit's on the first rows to 1e-4 (else it exits with the difference), then measures passages/s encoding the same token rows in the same
batches at each thread count (torch.set_num_threads), in eval mode under torch.inference_mode().
The model is the toolkit's BertEncoder written out in PyTorch: embeddings (word + position +
token type 0, LayerNorm), post-LN layers (self-attention with the additive padding bias, exact
erf GELU feed-forward) and cls or masked-mean pooling.

`--linear mkldnn` runs the Linear layers (~90% of the FLOPs at 128 tokens) on oneDNN's kernels
instead of the BLAS torch was built against (Debian's torch calls the system libblas, which may be
the slow reference BLAS); the JSON lists the BLAS libraries the process loaded.

Usage: python3 torch-encode.py --model DIR --tokens FILE --rows N --length T --batch B
         --expected FILE --check-rows K --passages P --threads 1,2 [--linear blas|mkldnn]
  tokens: int32 [N, T] row-major (every row T tokens, no padding); expected: float32 [K, H].
Prints one JSON object: versions, maxAbsDiff vs the toolkit, passages/s per thread count.
"""
import argparse
import json
import math
import struct
import sys
import time

import numpy as np
import torch

DTYPES = {"F32": np.float32}


def read_safetensors(path):
    """name -> numpy array of a .safetensors file (8-byte little-endian header size, JSON header, data)."""
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] not in DTYPES:
            raise SystemExit(f"{path}: tensor {name} has dtype {meta['dtype']}; expected F32")
        start, end = meta["data_offsets"]
        out[name] = np.frombuffer(data[start:end], dtype=DTYPES[meta["dtype"]]).reshape(meta["shape"])
    return out


class Bert(torch.nn.Module):
    """The toolkit's BertEncoder (post-LN BERT) over a Hugging Face state dict, pooled."""

    def __init__(self, config, weights, linear="blas"):
        super().__init__()
        self.mkldnn = linear == "mkldnn"
        self.cache = {}
        self.h = config["hidden_size"]
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.pooling = config.get("i3_pooling", "cls")
        prefix = "bert." if any(k.startswith("bert.") for k in weights) else ""
        self.w = {k[len(prefix):]: torch.from_numpy(v.copy()) for k, v in weights.items() if k.startswith(prefix)}

    def p(self, name):
        return self.w[name]

    def linear(self, x, name):
        if not self.mkldnn:
            return torch.nn.functional.linear(x, self.p(f"{name}.weight"), self.p(f"{name}.bias"))
        # oneDNN's kernels instead of the BLAS torch links (torch.utils.mkldnn's MkldnnLinear does the same).
        if name not in self.cache:
            self.cache[name] = (self.p(f"{name}.weight").to_mkldnn(), self.p(f"{name}.bias").to_mkldnn())
        w, b = self.cache[name]
        y = torch._C._nn.mkldnn_linear(x.reshape(-1, x.shape[-1]).to_mkldnn(), w, b).to_dense()
        return y.view(*x.shape[:-1], y.shape[-1])

    def norm(self, x, name):
        return torch.nn.functional.layer_norm(x, (self.h,), self.p(f"{name}.weight"), self.p(f"{name}.bias"), self.eps)

    def forward(self, ids, mask):
        b, t = ids.shape
        e = "embeddings"
        x = self.p(f"{e}.word_embeddings.weight")[ids] + self.p(f"{e}.position_embeddings.weight")[:t] + self.p(f"{e}.token_type_embeddings.weight")[0]
        x = self.norm(x, f"{e}.LayerNorm")
        bias = (1.0 - mask.to(torch.float32))[:, None, None, :] * -1e9
        dh = self.h // self.heads
        for i in range(self.layers):
            n = f"encoder.layer.{i}"
            split = lambda y: y.view(b, t, self.heads, dh).transpose(1, 2)
            q, k, v = (split(self.linear(x, f"{n}.attention.self.{w}")) for w in ("query", "key", "value"))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(dh) + bias
            ctx = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, t, self.h)
            x = self.norm(x + self.linear(ctx, f"{n}.attention.output.dense"), f"{n}.attention.output.LayerNorm")
            ff = torch.nn.functional.gelu(self.linear(x, f"{n}.intermediate.dense"))
            x = self.norm(x + self.linear(ff, f"{n}.output.dense"), f"{n}.output.LayerNorm")
        if self.pooling == "mean":
            m = mask.to(torch.float32)[:, :, None]
            return (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        return x[:, 0]


def blas_libraries():
    """The BLAS / oneDNN shared libraries this process mapped (Linux), e.g. the reference libblas or OpenBLAS."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return []
    return sorted(p for p in paths if any(k in p.lower() for k in ("blas", "mkl", "dnnl", "lapack")))


def main():
    ap = argparse.ArgumentParser()
    for name in ("model", "tokens", "expected"):
        ap.add_argument(f"--{name}", required=True)
    for name in ("rows", "length", "batch", "check-rows", "passages"):
        ap.add_argument(f"--{name}", type=int, required=True)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--linear", choices=["blas", "mkldnn"], default="blas")
    a = ap.parse_args()
    with open(f"{a.model}/config.json") as f:
        config = json.load(f)
    model = Bert(config, read_safetensors(f"{a.model}/model.safetensors"), a.linear).eval()
    tokens = torch.from_numpy(np.fromfile(a.tokens, dtype=np.int32).reshape(a.rows, a.length).astype(np.int64))
    mask = torch.ones_like(tokens)
    expected = np.fromfile(a.expected, dtype=np.float32).reshape(a.check_rows, -1)

    def encode(start, n):
        return model(tokens[start : start + n], mask[start : start + n])

    with torch.inference_mode():
        got = encode(0, a.check_rows).numpy()
        diff = float(np.abs(got - expected).max())
        if not diff <= 1e-4:
            raise SystemExit(f"the PyTorch vectors differ from the toolkit's by {diff:.3g} > 1e-4: not the same model")
        results = {}
        for threads in [int(x) for x in a.threads.split(",")]:
            torch.set_num_threads(threads)
            encode(a.passages, a.batch)  # warm-up batch, outside the timed rows (as the bench's)
            t0, c0 = time.perf_counter(), time.process_time()
            for start in range(0, a.passages, a.batch):
                encode(start, min(a.batch, a.passages - start))
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            results[str(threads)] = {"threads": threads, "wallSeconds": wall, "cpuSeconds": cpu, "passagesPerSec": a.passages / wall}
    json.dump(
        {
            "engine": "pytorch",
            "torch": torch.__version__,
            "numpy": np.__version__,
            "python": sys.version.split()[0],
            "blas": torch.__config__.show().split("BLAS_INFO=")[1].split(",")[0] if "BLAS_INFO=" in torch.__config__.show() else "unknown",
            "linear": a.linear,
            "blasLibraries": blas_libraries(),
            "checkedRows": a.check_rows,
            "maxAbsDiff": diff,
            "byThreads": results,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
