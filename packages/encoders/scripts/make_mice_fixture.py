#!/usr/bin/python3
"""Regenerates test/fixtures/tiny-mice/: a tiny MICE written in plain PyTorch and its outputs.

Run with Debian's torch (apt-get install python3-torch):  /usr/bin/python3 scripts/make_mice_fixture.py
Only for regenerating the committed fixture; CI and the toolkit never run Python.

The model follows the MICE paper's description (Vast et al., arXiv 2602.16299) and the masks of
the reference code (xpmir/mice src/models/midFusion_modeling.py, get_self_attention_mask and
get_cross_attention_mask), written here from that description, not from the TypeScript:
  - query "[CLS] q [SEP]" and document "[CLS] d [SEP]" each go alone through the embeddings
    (segment 0, positions from 0) and the first l BERT layers (shared weights);
  - k interaction layers over the query: self-attention (query keys only; query tokens other
    than [CLS] may not attend to [CLS]), cross-attention from the query to the document's layer-l
    states (document padding masked; [CLS]'s row gets equal scores on every real document token,
    i.e. uniform weights, the reference's fully masked row without its padding), FFN; post-LN;
  - score = classifier(pooler(Q[CLS])).
The bottom BERT blocks come from make_bert_fixture.py (a minimal HF BertModel mirror).

Outputs in test/fixtures/tiny-mice/:
  cross-encoder/   an HF BertForSequenceClassification folder (pooler, one label, F32): the backbone
  init.safetensors the PyTorch MICE built from that backbone (split 2, seed layers [3, 2]: each
                   interaction layer copies its seed layer's self-attention and FFN and seeds its
                   cross-attention from the same self-attention), every weight but the classifier
  mice/            a MICE checkpoint folder (config.json with a "mice" section, model.safetensors
                   under the reference state-dict names) holding re-randomised weights, so
                   cross-attention differs from self-attention and every parameter matters
  expected.json    inputs; layer-l document states; scores with the reference masks and with both
                   masks off; d(loss)/d(document states) for loss = sum(c * scores)
  grads.safetensors d(loss)/d(parameter) for every parameter (PyTorch layout), loss through the
                   training forward (documents through the bottom layers too), eval mode
Expected values are computed in float64 from the float32 weights.
"""
import json
import math
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_bert_fixture import DenseNorm, Embeddings, Intermediate, Layer, Pooler, SelfAttention, randomize, write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "tiny-mice")
CFG = dict(vocab_size=48, hidden_size=16, num_hidden_layers=4, num_attention_heads=2, intermediate_size=32,
           max_position_embeddings=16, type_vocab_size=2, layer_norm_eps=1e-12)
SPLIT, SEED_LAYERS = 2, [3, 2]
CLS, SEP, PAD = 2, 3, 0
MIN = torch.finfo(torch.float32).min


class MultiHead(SelfAttention):
    """Q from x, K and V from memory; additive mask; optionally equal scores on row 0 (uniform weights)."""

    def forward(self, x, memory, add_mask, uniform_first_row):
        q, k, v = self.split(self.query(x)), self.split(self.key(memory)), self.split(self.value(memory))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dh)
        if uniform_first_row:
            scores = torch.cat([torch.zeros_like(scores[:, :, :1]), scores[:, :, 1:]], dim=2)
        probs = torch.softmax(scores + add_mask, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)


class AttentionBlock(nn.Module):  # BertAttention, self or cross
    def __init__(self, h, heads, eps):
        super().__init__()
        self.self, self.output = MultiHead(h, heads), DenseNorm(h, h, eps)

    def forward(self, x, memory, add_mask, uniform_first_row=False):
        return self.output(self.self(x, memory, add_mask, uniform_first_row), x)


class InteractionLayer(nn.Module):  # BertLayer with add_cross_attention, bidirectional
    def __init__(self, c):
        super().__init__()
        h, heads, eps = c["hidden_size"], c["num_attention_heads"], c["layer_norm_eps"]
        self.attention = AttentionBlock(h, heads, eps)
        self.crossattention = AttentionBlock(h, heads, eps)
        self.intermediate = Intermediate(h, c["intermediate_size"])
        self.output = DenseNorm(c["intermediate_size"], h, eps)

    def forward(self, x, self_mask, doc, cross_mask, cls_uniform):
        a = self.attention(x, x, self_mask)
        a = self.crossattention(a, doc, cross_mask, cls_uniform)
        return self.output(self.intermediate(a), a)

    def init_from(self, layer):
        """Self-attention and FFN copied from a BERT layer; cross-attention seeded from its self-attention."""
        self.attention.load_state_dict(layer.attention.state_dict())
        self.crossattention.load_state_dict(layer.attention.state_dict())
        self.intermediate.load_state_dict(layer.intermediate.state_dict())
        self.output.load_state_dict(layer.output.state_dict())


class Mice(nn.Module):
    def __init__(self, c, split, k):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.bottom_layers = nn.ModuleList([Layer(c) for _ in range(split)])
        self.top_layers = nn.ModuleList([InteractionLayer(c) for _ in range(k)])
        self.pooler = Pooler(c["hidden_size"])
        self.classifier = nn.Linear(c["hidden_size"], 1)

    def bottom(self, ids, mask):
        h = self.embeddings(ids, torch.zeros_like(ids))
        ext = (1.0 - mask[:, None, None, :].to(h.dtype)) * MIN
        for layer in self.bottom_layers:
            h = layer(h, ext)
        return h

    def score(self, q_ids, q_mask, doc, d_mask, mask_cls_to_doc=True, mask_query_to_cls=True):
        x = self.bottom(q_ids, q_mask)
        qv = q_mask.bool()
        pairs = qv[:, None, :, None] & qv[:, None, None, :]
        if mask_query_to_cls:
            pairs[:, :, 1:, 0] = False
        self_mask = torch.zeros(pairs.shape, dtype=x.dtype).masked_fill(~pairs, MIN)
        cross_mask = torch.zeros(d_mask.shape, dtype=x.dtype).masked_fill(~d_mask.bool(), MIN)[:, None, None, :]
        for layer in self.top_layers:
            x = layer(x, self_mask, doc, cross_mask, mask_cls_to_doc)
        return self.classifier(self.pooler(x))[:, 0]


class CrossEncoder(nn.Module):  # HF BertForSequenceClassification, num_labels 1 (eval)
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.layers = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])
        self.pooler = Pooler(c["hidden_size"])
        self.classifier = nn.Linear(c["hidden_size"], 1)

    def hf_state_dict(self):
        out = {}
        for name, v in self.state_dict().items():
            if name.startswith("classifier."):
                out[name] = v
            else:
                out["bert." + name.replace("layers.", "encoder.layer.", 1)] = v
        return out


def hf_config(architectures, **extra):
    return dict(architectures=architectures, model_type="bert", hidden_act="gelu", hidden_dropout_prob=0.1,
                attention_probs_dropout_prob=0.1, initializer_range=0.02, position_embedding_type="absolute",
                pad_token_id=PAD, **CFG, **extra)


def write_folder(path, config, state):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
    write_safetensors(os.path.join(path, "model.safetensors"), state)


def batch(lengths, width, seed):
    g = torch.Generator().manual_seed(seed)
    ids = torch.full((len(lengths), width), PAD, dtype=torch.long)
    mask = torch.zeros((len(lengths), width), dtype=torch.long)
    for b, n in enumerate(lengths):
        ids[b, 0], ids[b, n - 1] = CLS, SEP
        ids[b, 1:n - 1] = torch.randint(4, CFG["vocab_size"], (n - 2,), generator=g)
        mask[b, :n] = 1
    return ids, mask


def main():
    os.makedirs(OUT, exist_ok=True)
    # 1. The backbone cross-encoder and MICE initialised from it.
    ce = CrossEncoder(CFG).eval()
    torch.manual_seed(4321)
    randomize(ce)
    write_folder(os.path.join(OUT, "cross-encoder"), hf_config(["BertForSequenceClassification"], num_labels=1, i3_head_input="pooler"),
                 ce.hf_state_dict())
    mice = Mice(CFG, SPLIT, len(SEED_LAYERS)).eval()
    mice.embeddings.load_state_dict(ce.embeddings.state_dict())
    for i in range(SPLIT):
        mice.bottom_layers[i].load_state_dict(ce.layers[i].state_dict())
    for j, s in enumerate(SEED_LAYERS):
        mice.top_layers[j].init_from(ce.layers[s])
    mice.pooler.load_state_dict(ce.pooler.state_dict())
    write_safetensors(os.path.join(OUT, "init.safetensors"), {n: v for n, v in mice.state_dict().items() if not n.startswith("classifier.")})

    # 2. Fresh random weights everywhere, saved as a MICE checkpoint folder.
    torch.manual_seed(8765)
    randomize(mice)
    mice_section = dict(split=SPLIT, interactionLayers=len(SEED_LAYERS), seedLayers=SEED_LAYERS, maskClsToDocument=True,
                        maskQueryToCls=True, headInput="pooler")
    write_folder(os.path.join(OUT, "mice"), hf_config(["MiceCrossEncoder"], mice=mice_section), dict(mice.state_dict()))

    # 3. Outputs in float64 from the float32 weights.
    mice = mice.double()
    q_ids, q_mask = batch([6, 4, 3], 6, 11)
    d_ids, d_mask = batch([9, 5, 7], 9, 12)
    c = torch.tensor([0.7, -1.3, 0.4], dtype=torch.float64)
    with torch.no_grad():
        doc_states = mice.bottom(d_ids, d_mask)
        scores_no_masks = mice.score(q_ids, q_mask, doc_states, d_mask, False, False)
    stored = doc_states.clone().requires_grad_(True)
    scores_stored = mice.score(q_ids, q_mask, stored, d_mask)
    (c * scores_stored).sum().backward()
    mice.zero_grad()
    scores = mice.score(q_ids, q_mask, mice.bottom(d_ids, d_mask), d_mask)
    (c * scores).sum().backward()
    assert torch.allclose(scores, scores_stored)
    write_safetensors(os.path.join(OUT, "grads.safetensors"), {n: p.grad for n, p in mice.named_parameters()})
    expected = dict(
        torch_version=torch.__version__, loss_weights=c.tolist(),
        query_ids=q_ids.tolist(), query_mask=q_mask.tolist(), doc_ids=d_ids.tolist(), doc_mask=d_mask.tolist(),
        doc_states=doc_states.tolist(), scores=scores.tolist(), scores_no_masks=scores_no_masks.tolist(),
        doc_states_grad=stored.grad.tolist(),
    )
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f)
    print("wrote", OUT, "scores", scores.tolist(), "without masks", scores_no_masks.tolist())


if __name__ == "__main__":
    main()
