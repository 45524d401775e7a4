#!/usr/bin/env python3
"""PyTorch CPU peer of `npm run bench -- training`: the same `small` dual-encoder step, timed.

Optional and never run in CI: `bench/training.bench.ts` runs it when Debian's python3 with
torch (package python3-torch) is present and records its step time beside its own rows.

The step, as in the bench: a BERT encoder (post-LayerNorm, erf GELU, dropout 0.1 on embeddings,
attention probabilities, attention and FFN outputs, LayerNorm eps 1e-12, [CLS] pooling, no
pooler), shared between queries and passages; 32 queries x 32 tokens and 64 passages x 128
tokens (random ids, full attention masks); the in-batch contrastive loss (cross-entropy of
Q P^T with query i's positive at column 2i, no temperature); one AdamW update (lr 2e-5, weight
decay 0.01). PyTorch keeps the whole batch under one autograd tape (native memory is not the
bottleneck here), so it runs one forward per step where the wasm bench's GradCache runs two.

Usage: torch_training_step.py [--config small] [--threads 2,1] [--steps 3] [--out FILE]
Prints (and writes to --out) JSON: {peer, torch, config, rows: [{threads, stepMs, stepsMs}]}.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {
    "tiny": dict(layers=2, hidden=128, heads=2, intermediate=512),
    "small": dict(layers=4, hidden=256, heads=4, intermediate=1024),
    "base": dict(layers=12, hidden=768, heads=12, intermediate=3072),
}
VOCAB, MAX_POS, TYPES = 30522, 512, 2
QUERIES, QUERY_LEN, PASSAGES, PASSAGE_LEN = 32, 32, 64, 128
DROPOUT, EPS = 0.1, 1e-12


class Layer(nn.Module):
    def __init__(self, h, heads, inter):
        super().__init__()
        self.heads = heads
        self.qkv = nn.ModuleList([nn.Linear(h, h) for _ in range(3)])
        self.out = nn.Linear(h, h)
        self.ln1 = nn.LayerNorm(h, eps=EPS)
        self.ff1 = nn.Linear(h, inter)
        self.ff2 = nn.Linear(inter, h)
        self.ln2 = nn.LayerNorm(h, eps=EPS)

    def forward(self, x):
        b, s, h = x.shape
        dh = h // self.heads
        q, k, v = (lin(x).view(b, s, self.heads, dh).transpose(1, 2) for lin in self.qkv)
        probs = F.dropout(torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh), -1), DROPOUT, self.training)
        a = (probs @ v).transpose(1, 2).reshape(b, s, h)
        x = self.ln1(x + F.dropout(self.out(a), DROPOUT, self.training))
        f = self.ff2(F.gelu(self.ff1(x)))
        return self.ln2(x + F.dropout(f, DROPOUT, self.training))


class Encoder(nn.Module):
    def __init__(self, layers, hidden, heads, intermediate):
        super().__init__()
        self.word = nn.Embedding(VOCAB, hidden)
        self.pos = nn.Embedding(MAX_POS, hidden)
        self.token_type = nn.Embedding(TYPES, hidden)
        self.ln = nn.LayerNorm(hidden, eps=EPS)
        self.layers = nn.ModuleList([Layer(hidden, heads, intermediate) for _ in range(layers)])

    def forward(self, ids):
        pos = torch.arange(ids.shape[1])
        x = F.dropout(self.ln(self.word(ids) + self.pos(pos)[None] + self.token_type(torch.zeros_like(ids))), DROPOUT, self.training)
        for layer in self.layers:
            x = layer(x)
        return x[:, 0]


def time_steps(config, threads, steps):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = Encoder(**PRESETS[config]).train()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)
    q = torch.randint(1, VOCAB, (QUERIES, QUERY_LEN))
    p = torch.randint(1, VOCAB, (PASSAGES, PASSAGE_LEN))
    target = torch.arange(QUERIES) * (PASSAGES // QUERIES)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(q) @ model(p).T, target)
        loss.backward()
        opt.step()
        return loss.item()

    step()  # warm-up
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    return {"threads": threads, "stepMs": round(sorted(times)[len(times) // 2]), "stepsMs": [round(t) for t in times]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", default="small", choices=sorted(PRESETS))
    ap.add_argument("--threads", default="2,1")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--out")
    a = ap.parse_args()
    rows = [time_steps(a.config, int(t), a.steps) for t in a.threads.split(",")]
    result = {
        "peer": f"PyTorch {torch.__version__} CPU",
        "torch": torch.__version__,
        "config": a.config,
        "step": "full batch, one tape; AdamW lr 2e-5 wd 0.01; contrastive loss",
        "rows": rows,
    }
    text = json.dumps(result, indent=2)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
