#!/usr/bin/python3
"""Writes the PyTorch fixtures the engine's parity test compares against (tests/data/torch/).

Each case builds a tiny model out of PyTorch's own layers (nn.TransformerEncoderLayer,
nn.TransformerDecoderLayer, nn.Embedding, nn.LayerNorm, nn.Linear) in float64, with random
weights, on a fixed batch, and records:
  - the configuration and the batch, as the C++ engine reads them;
  - every parameter, under the engine's name and in its layout (a linear layer's weight is
    [in, out], the transpose of PyTorch's);
  - the logits of the positions that have a target, the sequence-level logits, the loss;
  - every parameter's gradient of the loss;
  - the parameters after 3 steps of Adam and of AdamW under linear warmup then linear decay.

Run it with Debian's interpreter and python3-torch:  /usr/bin/python3 tests/reference/make_fixtures.py
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "torch")

# The optimizer runs: peak rate, warmup, steps in the schedule, Adam's (L2) and AdamW's decay.
PEAK, WARMUP, TOTAL, STEPS = 1e-2, 2, 6, 3
ADAM_DECAY, ADAMW_DECAY = 0.01, 0.1


def schedule(step):
    """Linear warmup from PEAK/WARMUP to PEAK, then linear decay to 0 at TOTAL (step counts from 1)."""
    if step <= WARMUP:
        return PEAK * step / WARMUP
    return PEAK * max(0.0, 1.0 - (step - WARMUP) / (TOTAL - WARMUP))


class Model(nn.Module):
    def __init__(s, c):
        super().__init__()
        s.c = c
        d, ffn = c["d"], 4 * c["d"]
        arch = c["architecture"]
        layer = dict(d_model=d, nhead=c["heads"], dim_feedforward=ffn, dropout=0.0, activation="gelu",
                     batch_first=True, norm_first=c["pre_norm"])
        s.tok = nn.Embedding(c["vocab"], d)
        s.pos = nn.Embedding(c["ctx"], d)
        if arch == "encoder":
            s.seg = nn.Embedding(2, d)
        if not c["pre_norm"]:
            s.emb_norm = nn.LayerNorm(d)
        s.blocks = nn.ModuleList(nn.TransformerEncoderLayer(**layer) for _ in range(c["layers"]))
        if c["pre_norm"]:
            s.final_norm = nn.LayerNorm(d)
        if arch == "encdec":
            s.dec_pos = nn.Embedding(c["ctx"], d)
            if not c["pre_norm"]:
                s.dec_emb_norm = nn.LayerNorm(d)
            s.dec_blocks = nn.ModuleList(nn.TransformerDecoderLayer(**layer) for _ in range(c["decoder_layers"]))
            if c["pre_norm"]:
                s.dec_final_norm = nn.LayerNorm(d)
        if arch == "encoder" and c["tags"] == 0:
            s.mlm_transform, s.mlm_norm = nn.Linear(d, d), nn.LayerNorm(d)
            s.mlm_bias = nn.Parameter(torch.zeros(c["vocab"]))
        if c["classes"] > 0:
            s.classifier = nn.Linear(d, c["classes"])
        elif arch == "encoder" and c["nsp"]:
            s.next_sentence = nn.Linear(d, 2)
        if c["tags"] > 0:
            s.tagger = nn.Linear(d, c["tags"])

    def embed(s, tokens, pos, segments=None, norm=None):
        x = s.tok(tokens) + pos(torch.arange(tokens.shape[1]))
        if segments is not None:
            x = x + s.seg(segments)
        return norm(x) if norm is not None else x

    def forward(s, b):
        c, arch = s.c, s.c["architecture"]
        B, T = b["sequences"], b["length"]
        tokens = torch.tensor(b["tokens"]).view(B, T)
        padding = torch.tensor(b["padding"], dtype=torch.bool).view(B, T) if b["padding"] else None
        mask = None
        if arch == "decoder":  # True = may not look: causal, or prefix-LM when there is a prefix
            q = torch.arange(T).view(T, 1)
            k = torch.arange(T).view(1, T)
            mask = k >= torch.clamp(q + 1, min=b["prefix_length"])
        segments = torch.tensor(b["segments"]).view(B, T) if arch == "encoder" else None
        x = s.embed(tokens, s.pos, segments, getattr(s, "emb_norm", None))
        for block in s.blocks:
            x = block(x, src_mask=mask, src_key_padding_mask=padding)
        encoded = s.final_norm(x) if c["pre_norm"] else x
        hidden, targets = encoded, b["targets"]
        if arch == "encdec":
            U = b["target_length"]
            y = s.embed(torch.tensor(b["decoder_tokens"]).view(B, U), s.dec_pos, None, getattr(s, "dec_emb_norm", None))
            causal = torch.ones(U, U, dtype=torch.bool).triu(1)
            for block in s.dec_blocks:
                y = block(y, encoded, tgt_mask=causal, memory_key_padding_mask=padding)
            hidden = s.dec_final_norm(y) if c["pre_norm"] else y
            targets = b["decoder_targets"]
        targets = torch.tensor(targets)
        rows = hidden.reshape(-1, c["d"])[targets >= 0]
        out = {"loss": torch.zeros(())}
        if len(rows):
            if c["tags"] > 0:
                logits = s.tagger(rows)
            elif arch == "encoder":
                t = s.mlm_norm(F.gelu(s.mlm_transform(rows)))
                logits = t @ s.tok.weight.T + s.mlm_bias
            else:
                logits = rows @ s.tok.weight.T
            out["logits"] = logits
            out["loss"] = out["loss"] + F.cross_entropy(logits, targets[targets >= 0])
        head = getattr(s, "classifier", None) or getattr(s, "next_sentence", None)
        if head is not None and b["sequence_labels"]:
            if arch == "decoder":  # the last token that is not padding
                last = [T - 1 - (int(padding[i].flip(0).int().cumprod(0).sum()) if padding is not None else 0)
                        for i in range(B)]
                pooled = encoded[torch.arange(B), torch.tensor(last)]
            else:  # [CLS]
                pooled = encoded[:, 0]
            out["sequence_logits"] = head(pooled)
            out["loss"] = out["loss"] + F.cross_entropy(out["sequence_logits"], torch.tensor(b["sequence_labels"]))
        return out


def engine_names(m):
    """The engine's parameters: name -> function of a tensor getter (parameter or gradient) giving
    the value in the engine's layout."""
    c = m.c
    d = c["d"]
    names = {}

    def linear(name, module):
        names[name + ".weight"] = lambda get, mod=module: get(mod.weight).T
        names[name + ".bias"] = lambda get, mod=module: get(mod.bias).view(1, -1)

    def norm(name, module):
        names[name + ".weight"] = lambda get, mod=module: get(mod.weight).view(1, -1)
        names[name + ".bias"] = lambda get, mod=module: get(mod.bias).view(1, -1)

    def table(name, module):
        names[name] = lambda get, mod=module: get(mod.weight)

    def attention(name, module, cross):
        if cross:  # PyTorch packs q | k | v in rows; the engine has query and key_value apart
            names[name + ".query.weight"] = lambda get: get(module.in_proj_weight)[:d].T
            names[name + ".query.bias"] = lambda get: get(module.in_proj_bias)[:d].view(1, -1)
            names[name + ".key_value.weight"] = lambda get: get(module.in_proj_weight)[d:].T
            names[name + ".key_value.bias"] = lambda get: get(module.in_proj_bias)[d:].view(1, -1)
        else:
            names[name + ".qkv.weight"] = lambda get: get(module.in_proj_weight).T
            names[name + ".qkv.bias"] = lambda get: get(module.in_proj_bias).view(1, -1)
        linear(name + ".output", module.out_proj)

    encdec = c["architecture"] == "encdec"
    prefix = "encoder." if encdec else ""
    table("token_embedding.weight", m.tok)
    table(prefix + "position_embedding.weight", m.pos)
    if hasattr(m, "seg"):
        table("segment_embedding.weight", m.seg)
    if hasattr(m, "emb_norm"):
        norm(prefix + "embedding_norm", m.emb_norm)
    for i, block in enumerate(m.blocks):
        name = f"{prefix}blocks.{i}"
        norm(name + ".norm1", block.norm1)
        attention(name + ".attention", block.self_attn, False)
        norm(name + ".norm2", block.norm2)
        linear(name + ".mlp.fc", block.linear1)
        linear(name + ".mlp.projection", block.linear2)
    if hasattr(m, "final_norm"):
        norm(prefix + "final_norm", m.final_norm)
    if encdec:
        table("decoder.position_embedding.weight", m.dec_pos)
        if hasattr(m, "dec_emb_norm"):
            norm("decoder.embedding_norm", m.dec_emb_norm)
        for i, block in enumerate(m.dec_blocks):
            name = f"decoder.blocks.{i}"
            norm(name + ".norm1", block.norm1)
            attention(name + ".attention", block.self_attn, False)
            norm(name + ".cross_norm", block.norm2)
            attention(name + ".cross_attention", block.multihead_attn, True)
            norm(name + ".norm2", block.norm3)
            linear(name + ".mlp.fc", block.linear1)
            linear(name + ".mlp.projection", block.linear2)
        if hasattr(m, "dec_final_norm"):
            norm("decoder.final_norm", m.dec_final_norm)
    if hasattr(m, "mlm_transform"):
        linear("mlm.transform", m.mlm_transform)
        norm("mlm.norm", m.mlm_norm)
        names["mlm.bias"] = lambda get: get(m.mlm_bias).view(1, -1)
    for head in ("classifier", "next_sentence", "tagger"):
        if hasattr(m, head):
            linear(head, getattr(m, head))
    return names


def flat(tensor):
    return [float(f"{v:.15g}") for v in tensor.detach().reshape(-1).tolist()]


def export(names, get):
    return {name: {"shape": list(f(get).shape), "values": flat(f(get))} for name, f in names.items()}


def randomize(m, generator):
    """Weights far from the usual small init, so every path (softmax, GELU, LayerNorm) is exercised."""
    with torch.no_grad():
        for name, p in m.named_parameters():
            if name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=generator))
            elif "norm" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(0.35 * torch.randn(p.shape, generator=generator))


def make_case(name, config, batch, seed):
    config = {"decoder_layers": config.get("layers"), "nsp": False, "classes": 0, "tags": 0, **config}
    for key, value in {"segments": [], "padding": [], "targets": [], "prefix_length": 0, "target_length": 0,
                       "decoder_tokens": [], "decoder_targets": [], "sequence_labels": []}.items():
        batch.setdefault(key, value)
    if config["architecture"] == "encoder" and not batch["segments"]:
        batch["segments"] = [0] * (batch["sequences"] * batch["length"])
    generator = torch.Generator().manual_seed(seed)
    model = Model(config)
    randomize(model, generator)
    names = engine_names(model)
    assert sum(p.numel() for p in model.parameters()) == sum(f(lambda t: t).numel() for f in names.values())

    out = model(batch)
    out["loss"].backward()
    case = {
        "name": name, "config": config, "batch": batch,
        "parameters": export(names, lambda t: t),
        "loss": out["loss"].item(),
        "logits": {"shape": list(out["logits"].shape), "values": flat(out["logits"])} if "logits" in out else None,
        "sequence_logits": ({"shape": list(out["sequence_logits"].shape), "values": flat(out["sequence_logits"])}
                            if "sequence_logits" in out else None),
        "gradients": export(names, lambda t: t.grad),
        "optimizer": {"peak": PEAK, "warmup": WARMUP, "total": TOTAL, "steps": STEPS,
                      "adam_weight_decay": ADAM_DECAY, "adamw_weight_decay": ADAMW_DECAY},
        "after_steps": {},
    }
    start = {k: v.detach().clone() for k, v in model.state_dict().items()}
    for kind, make in (("adam", lambda ps: torch.optim.Adam(ps, lr=PEAK, weight_decay=ADAM_DECAY)),
                       ("adamw", lambda ps: torch.optim.AdamW(ps, lr=PEAK, weight_decay=ADAMW_DECAY))):
        model.load_state_dict(start)
        optimizer = make(model.parameters())
        # LambdaLR multiplies the base rate by lambda(e), e = 0 for the first step.
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: schedule(e + 1) / PEAK)
        for _ in range(STEPS):
            optimizer.zero_grad()
            model(batch)["loss"].backward()
            optimizer.step()
            scheduler.step()
        case["after_steps"][kind] = export(names, lambda t: t)
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump(case, f, separators=(",", ":"))
    print(f"{path}: loss {case['loss']:.6f}, {sum(len(v['values']) for v in case['parameters'].values())} parameters")


def main():
    os.makedirs(OUT, exist_ok=True)
    g = torch.Generator().manual_seed(7)
    rand = lambda n, high: torch.randint(0, high, (n,), generator=g).tolist()
    V, T = 19, 7
    small = dict(vocab=V, d=8, heads=2, layers=2, ctx=10)

    # Decoder, causal: next-token targets at every position.
    stream = rand(2 * (T + 1), V)
    tokens = stream[:T] + stream[T + 1:2 * T + 1]
    targets = stream[1:T + 1] + stream[T + 2:]
    make_case("decoder_causal", {**small, "architecture": "decoder", "pre_norm": True},
              {"sequences": 2, "length": T, "tokens": tokens, "targets": targets}, 1)

    # Decoder, prefix-LM over a 3-token prefix, the second sequence padded, a classifier on the last token.
    tokens = rand(2 * T, V)
    tokens[-2:] = [0, 0]
    padding = [0] * (2 * T - 2) + [1, 1]
    targets = [t if (i % T) >= 3 and not padding[i] else -1 for i, t in enumerate(rand(2 * T, V))]
    make_case("decoder_prefix_classifier", {**small, "architecture": "decoder", "pre_norm": True, "classes": 3},
              {"sequences": 2, "length": T, "tokens": tokens, "targets": targets, "padding": padding,
               "prefix_length": 3, "sequence_labels": [2, 0]}, 2)

    # Encoder (post-LN, as BERT): [CLS] A [SEP] B [SEP], segments, masked positions, NSP, padding.
    CLS, SEP, MASK, PAD = 15, 16, 17, 18
    tokens = [CLS, 3, 4, SEP, 5, 6, SEP] + [CLS, 7, MASK, SEP, 9, SEP, PAD]
    segments = [0, 0, 0, 0, 1, 1, 1] + [0, 0, 0, 0, 1, 1, 0]
    padding = [0] * 13 + [1]
    targets = [-1, 11, -1, -1, -1, 2, -1] + [-1, -1, 8, -1, 12, -1, -1]
    make_case("encoder_mlm_nsp", {**small, "architecture": "encoder", "pre_norm": False, "nsp": True},
              {"sequences": 2, "length": T, "tokens": tokens, "segments": segments, "targets": targets,
               "padding": padding, "sequence_labels": [1, 0]}, 3)

    # Encoder (pre-LN) finetuned: a classifier on [CLS] and a tagger on every token, padding.
    tags = [t if not p else -1 for t, p in zip(rand(2 * T, 4), padding)]
    make_case("encoder_classifier_tagger",
              {**small, "architecture": "encoder", "pre_norm": True, "classes": 3, "tags": 4},
              {"sequences": 2, "length": T, "tokens": tokens, "segments": segments, "targets": tags,
               "padding": padding, "sequence_labels": [2, 1]}, 4)

    # Encoder-decoder (T5): sentinels in the input, the spans as the target; padded on both sides.
    X0, X1, X2, BOS = 14, 13, 12, 11
    U = 6
    for name, pre_norm, seed in (("encdec", True, 5), ("encdec_post_ln", False, 6)):
        make_case(name, {**small, "architecture": "encdec", "pre_norm": pre_norm, "layers": 2, "decoder_layers": 1},
                  {"sequences": 2, "length": T,
                   "tokens": [3, X0, 6, 7, X1, 9, 10] + [2, 4, X0, 5, 0, 0, 0],
                   "padding": [0] * 7 + [0, 0, 0, 0, 1, 1, 1],
                   "target_length": U,
                   "decoder_tokens": [BOS, X0, 4, 5, X1, 8] + [BOS, X0, 3, 1, X1, 0],
                   "decoder_targets": [X0, 4, 5, X1, 8, X2] + [X0, 3, 1, X1, -1, -1]}, seed)


if __name__ == "__main__":
    sys.exit(main())
