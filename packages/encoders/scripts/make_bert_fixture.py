#!/usr/bin/python3
"""Regenerates test/fixtures/tiny-bert/: a tiny random BERT and its PyTorch outputs.

Run with Debian's torch (apt-get install python3-torch):  /usr/bin/python3 scripts/make_bert_fixture.py
Only for regenerating the committed fixture; CI and the toolkit never run Python.

`transformers` is not installed here (not packaged in Debian bookworm, no network to PyPI
models), so `TinyBert` below is a minimal PyTorch BERT written to mirror Hugging Face
`transformers/models/bert/modeling_bert.py` (BertModel, absolute positions, eager attention,
eval mode) line for line:
  embeddings = LayerNorm(word[ids] + position[0..S-1] + token_type[tt])
  extended mask = (1 - mask)[:, None, None, :] * finfo(float32).min
  scores = (Q K^T) / sqrt(dh) + extended mask; probs = softmax(scores); ctx = probs V
  attention out = LayerNorm(dense(ctx) + x)
  ffn out = LayerNorm(dense2(gelu(dense1(a))) + a), gelu = exact erf form
  pooler = tanh(dense(h[:, 0]))
Parameter names are exactly BertModel.state_dict()'s. Weights are random (std 0.2, LayerNorm
gains/biases perturbed) so every parameter matters in the comparison.

Outputs: config.json (HF BertConfig fields), model.safetensors (F32, written by hand: 8-byte
little-endian header length, JSON header, raw data), expected.json (inputs and outputs);
and tiny-bert-ce/: the same backbone as an HF BertForSequenceClassification (num_labels 1)
saved as old checkpoints are (F16, `bert.` prefix, LayerNorm gamma/beta) with its logits.
"""
import json
import math
import os
import struct

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "tiny-bert")
CFG = dict(vocab_size=64, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
           max_position_embeddings=32, type_vocab_size=2, layer_norm_eps=1e-12)


class SelfAttention(nn.Module):
    def __init__(self, h, heads):
        super().__init__()
        self.heads, self.dh = heads, h // heads
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.heads, self.dh).permute(0, 2, 1, 3)

    def forward(self, x, ext_mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dh) + ext_mask
        probs = nn.functional.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.shape[0], ctx.shape[1], -1)


class DenseNorm(nn.Module):  # BertSelfOutput / BertOutput
    def __init__(self, i, h, eps):
        super().__init__()
        self.dense, self.LayerNorm = nn.Linear(i, h), nn.LayerNorm(h, eps=eps)

    def forward(self, x, residual):
        return self.LayerNorm(self.dense(x) + residual)


class Attention(nn.Module):  # BertAttention
    def __init__(self, h, heads, eps):
        super().__init__()
        self.self, self.output = SelfAttention(h, heads), DenseNorm(h, h, eps)

    def forward(self, x, ext_mask):
        return self.output(self.self(x, ext_mask), x)


class Intermediate(nn.Module):
    def __init__(self, h, i):
        super().__init__()
        self.dense = nn.Linear(h, i)

    def forward(self, x):
        return nn.functional.gelu(self.dense(x))


class Layer(nn.Module):  # BertLayer
    def __init__(self, c):
        super().__init__()
        h, eps = c["hidden_size"], c["layer_norm_eps"]
        self.attention = Attention(h, c["num_attention_heads"], eps)
        self.intermediate = Intermediate(h, c["intermediate_size"])
        self.output = DenseNorm(c["intermediate_size"], h, eps)

    def forward(self, x, ext_mask):
        a = self.attention(x, ext_mask)
        return self.output(self.intermediate(a), a)


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.word_embeddings = nn.Embedding(c["vocab_size"], h)
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], h)
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=c["layer_norm_eps"])

    def forward(self, ids, tt):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        return self.LayerNorm(self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings(tt))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])


class Pooler(nn.Module):
    def __init__(self, h):
        super().__init__()
        self.dense = nn.Linear(h, h)

    def forward(self, hidden):
        return torch.tanh(self.dense(hidden[:, 0]))


class TinyBert(nn.Module):  # BertModel
    def __init__(self, c):
        super().__init__()
        self.embeddings, self.encoder, self.pooler = Embeddings(c), Encoder(c), Pooler(c["hidden_size"])

    def forward(self, ids, mask, tt):
        ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        h = self.embeddings(ids, tt)
        for layer in self.encoder.layer:
            h = layer(h, ext)
        return h, self.pooler(h)


def write_safetensors(path, tensors, dtype="F32"):
    np_type = {"F32": "<f4", "F16": "<f2"}[dtype]
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name in sorted(tensors):
        data = tensors[name].detach().contiguous().to(torch.float32).numpy().astype(np_type).tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def randomize(model):
    """Weights ~ N(0, 0.2), biases ~ N(0, 0.1), LayerNorm gains ~ 1 + N(0, 0.1), from torch's global RNG."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            else:
                p.copy_(0.2 * torch.randn_like(p))


def main():
    torch.manual_seed(1234)
    model = TinyBert(CFG).eval()
    randomize(model)
    ids = torch.randint(1, CFG["vocab_size"], (3, 10))
    mask = torch.tensor([[1] * 10, [1] * 7 + [0] * 3, [1] * 4 + [0] * 6])
    ids = ids * mask  # pad id 0 at padded positions
    tt = torch.tensor([[0] * 5 + [1] * 5, [0] * 3 + [1] * 4 + [0] * 3, [0] * 10])
    with torch.no_grad():
        hidden, pooled = model(ids, mask, tt)
        mean = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
    os.makedirs(OUT, exist_ok=True)
    config = dict(architectures=["BertModel"], model_type="bert", hidden_act="gelu", hidden_dropout_prob=0.1,
                  attention_probs_dropout_prob=0.1, initializer_range=0.02, position_embedding_type="absolute",
                  pad_token_id=0, **CFG)
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
    write_safetensors(os.path.join(OUT, "model.safetensors"), dict(model.state_dict()))
    expected = dict(
        torch_version=torch.__version__,
        input_ids=ids.tolist(), attention_mask=mask.tolist(), token_type_ids=tt.tolist(),
        last_hidden_state=hidden.tolist(), cls=hidden[:, 0].tolist(), pooler_output=pooled.tolist(), mean_pooled=mean.tolist(),
    )
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f)
    print("wrote", OUT)
    write_cross_encoder(model, config, ids, mask, tt)


def write_cross_encoder(model, config, ids, mask, tt):
    """tiny-bert-ce/: HF BertForSequenceClassification (num_labels 1) stored the way old
    checkpoints are: float16 data, `bert.` prefix, LayerNorm `gamma`/`beta`. Same backbone
    weights rounded to float16; logits = classifier(pooler_output), computed in float32 from
    the float16-rounded weights."""
    out = OUT + "-ce"
    os.makedirs(out, exist_ok=True)
    classifier = nn.Linear(CFG["hidden_size"], 1)
    with torch.no_grad():
        classifier.weight.copy_(0.5 * torch.randn_like(classifier.weight))
        classifier.bias.fill_(0.25)
        for p in list(model.parameters()) + list(classifier.parameters()):
            p.copy_(p.half().float())
        _, pooled = model(ids, mask, tt)
        logits = classifier(pooled)[:, 0]
    state = {}
    for name, v in model.state_dict().items():
        name = name.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        state["bert." + name] = v
    state["classifier.weight"], state["classifier.bias"] = classifier.weight, classifier.bias
    write_safetensors(os.path.join(out, "model.safetensors"), state, dtype="F16")
    ce_config = dict(config, architectures=["BertForSequenceClassification"], num_labels=1)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(ce_config, f, indent=2, sort_keys=True)
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(dict(input_ids=ids.tolist(), attention_mask=mask.tolist(), token_type_ids=tt.tolist(), logits=logits.tolist()), f)
    print("wrote", out)


if __name__ == "__main__":
    main()
