#!/usr/bin/python3
"""Writes small random GPT-2 and BERT models in Hugging Face's layout (tests/data/hf/), and what
an independent PyTorch implementation of each architecture computes from them.

Each folder holds what the hub serves for a model of that family: config.json with the family's
keys, model.safetensors with the tensor names, shapes and dtypes the hub's files use, and the
tokenizer (GPT-2: vocab.json + merges.txt, byte-level; BERT: vocab.txt). The models are small
(d 32, 2 layers, 4 heads) and their weights random, large enough that attention is far from
uniform. reference.json holds, for fixed token ids:
  - logprobs: GPT-2, log p(token | the tokens before it) (null for the first); BERT, the
    pseudo-log-likelihood term of each token (that token replaced by [MASK] in [CLS] ids [SEP]);
  - attention: every layer's and head's softmax weights ([CLS] ids [SEP] for BERT);
  - greedy: GPT-2, the ids greedy decoding adds after the prompt (the whole prefix read each step).

The forward passes below are written from the architectures' published definitions (GPT-2:
pre-LayerNorm blocks, Conv1D weights [in, out], the tanh GELU, a final LayerNorm, the output tied
to the token embedding; BERT: embeddings summed then normalized, post-LayerNorm blocks, Linear
weights [out, in], the exact GELU, the masked-LM head's dense + GELU + LayerNorm + tied decoder +
bias), in float64 from the stored weights. Variants: GPT-2 stored in F16 and in BF16 (the
reference computed from the widened values), with the "transformer." prefix, the attn.bias /
attn.masked_bias buffers and an lm_head.weight; BERT as BertForPreTraining with LayerNorm's old
gamma / beta names, a pooler and the next-sentence head.

Run it with Debian's interpreter and python3-torch:  /usr/bin/python3 tests/reference/make_hf_models.py
"""
import json
import math
import os
import struct

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "hf")
D, LAYERS, HEADS, CONTEXT = 32, 2, 4, 64
DH = D // HEADS


# ---- files -------------------------------------------------------------------------------------

def save_safetensors(path, tensors, dtype="F32"):
    """tensors: [(name, float64 tensor)] written in `dtype` (F32, F16 or BF16), in that order."""
    header, blobs, offset = {}, [], 0
    for name, value in tensors:
        if dtype == "F32":
            blob = value.to(torch.float32).contiguous().numpy().tobytes()
        elif dtype == "F16":
            blob = value.to(torch.float16).contiguous().numpy().tobytes()
        else:
            blob = value.to(torch.bfloat16).contiguous().view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(value.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def stored(value, dtype):
    """The values as the file keeps them, widened back to float64."""
    kinds = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
    return value.to(kinds[dtype]).to(torch.float64)


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=None if path.endswith("reference.json") else 1)
        f.write("\n")


# ---- GPT-2 -------------------------------------------------------------------------------------

def bytes_to_unicode():
    """GPT-2's printable stand-in for every byte."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    chars = keep[:]
    n = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + n)
            n += 1
    return dict(zip(keep, (chr(c) for c in chars)))


def gpt2_tokenizer(folder):
    symbols = [bytes_to_unicode()[b] for b in range(256)]
    merges = [("Ġ", "t"), ("h", "e"), ("Ġt", "he"), ("Ġ", "c"), ("a", "t"), ("Ġc", "at"), ("Ġ", "s"), ("a", "n"),
              ("Ġ", "a"), ("i", "n"), ("o", "n"), ("Ġ", "m"), ("Ġs", "at"), ("Ġm", "at")]
    vocab = {s: i for i, s in enumerate(symbols)}
    for a, b in merges:
        vocab[a + b] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    write_json(os.path.join(folder, "vocab.json"), vocab)
    with open(os.path.join(folder, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    return len(vocab)


def gpt2_weights(vocab, seed):
    g = torch.Generator().manual_seed(seed)
    r = lambda *shape, s=0.3: torch.randn(*shape, generator=g) * s
    w = {"wte.weight": r(vocab, D, s=0.5), "wpe.weight": r(CONTEXT, D, s=0.3)}
    for i in range(LAYERS):
        h = f"h.{i}."
        w[h + "ln_1.weight"] = 1 + r(D, s=0.1)
        w[h + "ln_1.bias"] = r(D, s=0.1)
        w[h + "attn.c_attn.weight"] = r(D, 3 * D)
        w[h + "attn.c_attn.bias"] = r(3 * D, s=0.1)
        w[h + "attn.c_proj.weight"] = r(D, D)
        w[h + "attn.c_proj.bias"] = r(D, s=0.1)
        w[h + "ln_2.weight"] = 1 + r(D, s=0.1)
        w[h + "ln_2.bias"] = r(D, s=0.1)
        w[h + "mlp.c_fc.weight"] = r(D, 4 * D)
        w[h + "mlp.c_fc.bias"] = r(4 * D, s=0.1)
        w[h + "mlp.c_proj.weight"] = r(4 * D, D, s=0.2)
        w[h + "mlp.c_proj.bias"] = r(D, s=0.1)
    w["ln_f.weight"] = 1 + r(D, s=0.1)
    w["ln_f.bias"] = r(D, s=0.1)
    return w


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def gelu_exact(x):
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def heads_of(x):
    """[T, D] -> [HEADS, T, DH]: head h reads columns h·DH … (h+1)·DH − 1."""
    return x.view(x.shape[0], HEADS, DH).transpose(0, 1)


def attend(q, k, v, causal):
    scores = heads_of(q) @ heads_of(k).transpose(1, 2) / math.sqrt(DH)
    if causal:
        t = q.shape[0]
        scores = scores.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float("-inf"))
    weights = torch.softmax(scores, -1)
    context = (weights @ heads_of(v)).transpose(0, 1).reshape(q.shape[0], D)
    return context, weights


def gpt2_forward(w, ids, eps=1e-5):
    """Logits [T, vocab] and each layer's attention weights [HEADS, T, T]."""
    x = w["wte.weight"][ids] + w["wpe.weight"][: len(ids)]
    maps = []
    for i in range(LAYERS):
        h = f"h.{i}."
        a = layer_norm(x, w[h + "ln_1.weight"], w[h + "ln_1.bias"], eps)
        qkv = a @ w[h + "attn.c_attn.weight"] + w[h + "attn.c_attn.bias"]  # Conv1D: x W + b, W [in, out]
        q, k, v = qkv.split(D, dim=-1)
        context, weights = attend(q, k, v, causal=True)
        maps.append(weights)
        x = x + context @ w[h + "attn.c_proj.weight"] + w[h + "attn.c_proj.bias"]
        m = layer_norm(x, w[h + "ln_2.weight"], w[h + "ln_2.bias"], eps)
        x = x + gelu_tanh(m @ w[h + "mlp.c_fc.weight"] + w[h + "mlp.c_fc.bias"]) @ w[h + "mlp.c_proj.weight"] + w[h + "mlp.c_proj.bias"]
    x = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"], eps)
    return x @ w["wte.weight"].T, maps


def gpt2_reference(w, ids, prompt, eps):
    logits, maps = gpt2_forward(w, torch.tensor(ids), eps)
    lp = torch.log_softmax(logits, -1)
    logprobs = [None] + [lp[t - 1, ids[t]].item() for t in range(1, len(ids))]
    greedy, tokens = [], list(prompt)
    for _ in range(6):
        next_id = int(torch.argmax(gpt2_forward(w, torch.tensor(tokens), eps)[0][-1]))
        greedy.append(next_id)
        tokens.append(next_id)
    return {"ids": ids, "logprobs": logprobs, "attention": [m.tolist() for m in maps], "prompt": prompt, "greedy": greedy}


def gpt2_config(vocab, eps=1e-5):
    return {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1, "bos_token_id": vocab - 1,
            "embd_pdrop": 0.1, "eos_token_id": vocab - 1, "initializer_range": 0.02, "layer_norm_epsilon": eps,
            "model_type": "gpt2", "n_ctx": CONTEXT, "n_embd": D, "n_head": HEADS, "n_inner": None, "n_layer": LAYERS,
            "n_positions": CONTEXT, "resid_pdrop": 0.1, "summary_activation": None, "summary_first_dropout": 0.1,
            "summary_proj_to_labels": True, "summary_type": "cls_index", "summary_use_proj": True,
            "task_specific_params": {"text-generation": {"do_sample": True, "max_length": 50}}, "vocab_size": vocab}


def write_gpt2(name, dtype="F32", hub_extras=False):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    vocab = gpt2_tokenizer(folder)
    w = gpt2_weights(vocab, seed=7)
    tensors = list(w.items())
    if hub_extras:
        # As GPT2LMHeadModel saves itself: the prefix, the causal-mask buffers and the tied head.
        tensors = [("transformer." + n, v) for n, v in tensors]
        for i in range(LAYERS):
            tensors.append((f"transformer.h.{i}.attn.bias", torch.tril(torch.ones(1, 1, CONTEXT, CONTEXT))))
            tensors.append((f"transformer.h.{i}.attn.masked_bias", torch.tensor(-1e4)))
        tensors.append(("lm_head.weight", w["wte.weight"]))
    save_safetensors(os.path.join(folder, "model.safetensors"), tensors, dtype)
    # The variant as the hub saves it also has an unusual ε, so that the one read from config.json shows.
    eps = 0.05 if hub_extras else 1e-5
    write_json(os.path.join(folder, "config.json"), gpt2_config(vocab, eps))
    widened = {n: stored(v, dtype) for n, v in w.items()}
    rng = torch.Generator().manual_seed(11)
    ids = torch.randint(0, vocab, (12,), generator=rng).tolist()
    reference = gpt2_reference(widened, ids, prompt=ids[:4], eps=eps)
    reference["dtype"] = dtype
    write_json(os.path.join(folder, "reference.json"), reference)


# ---- BERT --------------------------------------------------------------------------------------

BERT_WORDS = ["[PAD]", "[unused0]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "cat", "dog", "sat", "on", "mat",
              "is", "was", "happy", "sad", ".", ",", "##s", "##ed", "and", "paris", "capital", "of", "france", "movie",
              "very", "good", "bad", "it"]


def bert_weights(vocab, seed):
    g = torch.Generator().manual_seed(seed)
    r = lambda *shape, s=0.3: torch.randn(*shape, generator=g) * s
    w = {"embeddings.word_embeddings.weight": r(vocab, D, s=0.5),
         "embeddings.position_embeddings.weight": r(CONTEXT, D, s=0.3),
         "embeddings.token_type_embeddings.weight": r(2, D, s=0.3),
         "embeddings.LayerNorm.weight": 1 + r(D, s=0.1), "embeddings.LayerNorm.bias": r(D, s=0.1)}
    for i in range(LAYERS):
        h = f"encoder.layer.{i}."
        for part in ("query", "key", "value"):
            w[h + f"attention.self.{part}.weight"] = r(D, D)  # Linear: [out, in]
            w[h + f"attention.self.{part}.bias"] = r(D, s=0.1)
        w[h + "attention.output.dense.weight"] = r(D, D)
        w[h + "attention.output.dense.bias"] = r(D, s=0.1)
        w[h + "attention.output.LayerNorm.weight"] = 1 + r(D, s=0.1)
        w[h + "attention.output.LayerNorm.bias"] = r(D, s=0.1)
        w[h + "intermediate.dense.weight"] = r(4 * D, D)
        w[h + "intermediate.dense.bias"] = r(4 * D, s=0.1)
        w[h + "output.dense.weight"] = r(D, 4 * D, s=0.2)
        w[h + "output.dense.bias"] = r(D, s=0.1)
        w[h + "output.LayerNorm.weight"] = 1 + r(D, s=0.1)
        w[h + "output.LayerNorm.bias"] = r(D, s=0.1)
    head = {"cls.predictions.transform.dense.weight": r(D, D), "cls.predictions.transform.dense.bias": r(D, s=0.1),
            "cls.predictions.transform.LayerNorm.weight": 1 + r(D, s=0.1),
            "cls.predictions.transform.LayerNorm.bias": r(D, s=0.1), "cls.predictions.bias": r(vocab, s=0.3)}
    return w, head


def bert_forward(w, head, ids, eps):
    """MLM logits [T, vocab] and each layer's attention weights, for one sequence of segment 0."""
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: len(ids)] + \
        w["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    linear = lambda x, name: x @ w[name + ".weight"].T + w[name + ".bias"]  # Linear: x Wᵀ + b
    maps = []
    for i in range(LAYERS):
        h = f"encoder.layer.{i}."
        q, k, v = (linear(x, h + f"attention.self.{part}") for part in ("query", "key", "value"))
        context, weights = attend(q, k, v, causal=False)
        maps.append(weights)
        x = layer_norm(x + linear(context, h + "attention.output.dense"), w[h + "attention.output.LayerNorm.weight"],
                       w[h + "attention.output.LayerNorm.bias"], eps)
        inner = gelu_exact(linear(x, h + "intermediate.dense"))
        x = layer_norm(x + linear(inner, h + "output.dense"), w[h + "output.LayerNorm.weight"], w[h + "output.LayerNorm.bias"], eps)
    t = gelu_exact(x @ head["cls.predictions.transform.dense.weight"].T + head["cls.predictions.transform.dense.bias"])
    t = layer_norm(t, head["cls.predictions.transform.LayerNorm.weight"], head["cls.predictions.transform.LayerNorm.bias"], eps)
    return t @ w["embeddings.word_embeddings.weight"].T + head["cls.predictions.bias"], maps


def write_bert(name, old_names=False):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(BERT_WORDS) + "\n")
    vocab = len(BERT_WORDS)
    w, head = bert_weights(vocab, seed=5)
    tensors = [("bert." + n, v) for n, v in w.items()] + list(head.items())
    if old_names:
        # BertForPreTraining as the first checkpoints were converted: LayerNorm's gamma and beta, the
        # tied decoder written out, a pooler and the next-sentence head.
        rename = lambda n: n.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        tensors = [(rename(n), v) for n, v in tensors]
        g = torch.Generator().manual_seed(9)
        tensors += [("cls.predictions.decoder.weight", w["embeddings.word_embeddings.weight"]),
                    ("bert.pooler.dense.weight", torch.randn(D, D, generator=g)), ("bert.pooler.dense.bias", torch.zeros(D)),
                    ("cls.seq_relationship.weight", torch.randn(2, D, generator=g)), ("cls.seq_relationship.bias", torch.zeros(2))]
    save_safetensors(os.path.join(folder, "model.safetensors"), tensors)
    eps = 0.05 if old_names else 1e-12  # the second variant's ε differs, so that the one read shows
    config = {"architectures": ["BertForPreTraining" if old_names else "BertForMaskedLM"], "attention_probs_dropout_prob": 0.1,
              "gradient_checkpointing": False, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": D,
              "initializer_range": 0.02, "intermediate_size": 4 * D, "layer_norm_eps": eps,
              "max_position_embeddings": CONTEXT, "model_type": "bert", "num_attention_heads": HEADS,
              "num_hidden_layers": LAYERS, "pad_token_id": 0, "position_embedding_type": "absolute",
              "transformers_version": "4.6.0.dev0", "type_vocab_size": 2, "use_cache": True, "vocab_size": vocab}
    write_json(os.path.join(folder, "config.json"), config)
    widened = {n: stored(v, "F32") for n, v in w.items()}
    head = {n: stored(v, "F32") for n, v in head.items()}
    ids = [BERT_WORDS.index(t) for t in "the cat sat on the mat and it was happy .".split()]
    cls, sep, mask = BERT_WORDS.index("[CLS]"), BERT_WORDS.index("[SEP]"), BERT_WORDS.index("[MASK]")
    logprobs = []
    for i, token in enumerate(ids):
        masked = [cls] + ids[:i] + [mask] + ids[i + 1:] + [sep]
        logits, _ = bert_forward(widened, head, torch.tensor(masked), eps)
        logprobs.append(torch.log_softmax(logits[i + 1], -1)[token].item())
    _, maps = bert_forward(widened, head, torch.tensor([cls] + ids + [sep]), eps)
    write_json(os.path.join(folder, "reference.json"),
               {"ids": ids, "logprobs": logprobs, "attention": [m.tolist() for m in maps]})


if __name__ == "__main__":
    write_gpt2("gpt2")
    write_gpt2("gpt2-f16", dtype="F16")
    write_gpt2("gpt2-bf16", dtype="BF16")
    write_gpt2("gpt2-lm-head", hub_extras=True)
    write_bert("bert")
    write_bert("bert-pretraining", old_names=True)
