#!/usr/bin/python3
"""The peer of bench_real_models: PyTorch's eager forward of the same GPT-2 and BERT weights, read
from the same model.safetensors files, on the same threads, timing the same work; one JSON line.
The models are built here from the tensors (GPT-2: pre-LayerNorm, tanh GELU, tied output; BERT:
post-LayerNorm, exact GELU, the masked-LM head), in float32, no gradients.

    /usr/bin/python3 bench/torch_real_models.py GPT2_DIR BERT_DIR [--threads N]
"""
import json
import math
import os
import resource
import struct
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def load(folder):
    with open(os.path.join(folder, "model.safetensors"), "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = bytearray(f.read())
    kinds = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
    sizes = {"F32": 4, "F16": 2, "BF16": 2}
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        a, b = entry["data_offsets"]
        t = torch.frombuffer(data, dtype=kinds[entry["dtype"]], offset=a, count=(b - a) // sizes[entry["dtype"]])
        # The tied decoder and the hub's buffers are not needed; the others become float32 tensors.
        tensors[name.removeprefix("transformer.").removeprefix("bert.")] = t.view(entry["shape"]).float() if t.numel() else t
    config = json.load(open(os.path.join(folder, "config.json")))
    return tensors, config


def attention(q, k, v, heads, causal, keep):
    t, d = q.shape[-2], q.shape[-1]
    split = lambda x: x.view(x.shape[0], heads, d // heads).transpose(0, 1)
    scores = split(q) @ split(k).transpose(1, 2) / math.sqrt(d // heads)
    if causal:
        tk = k.shape[0]
        mask = torch.ones(t, tk, dtype=torch.bool).triu(tk - t + 1)
        scores = scores.masked_fill(mask, float("-inf"))
    w = torch.softmax(scores, -1)
    if keep is not None:
        keep.append(w)
    return (w @ split(v)).transpose(0, 1).reshape(t, d)


def gpt2(w, c, ids, cache=None, keep=None):
    """Logits of the new ids; `cache` (a list of [k, v] per layer) holds the positions before them."""
    start = cache[0][0].shape[0] if cache and cache[0] else 0
    x = w["wte.weight"][ids] + w["wpe.weight"][start:start + len(ids)]
    d, heads = c["n_embd"], c["n_head"]
    for i in range(c["n_layer"]):
        h = f"h.{i}."
        a = F.layer_norm(x, (d,), w[h + "ln_1.weight"], w[h + "ln_1.bias"], c["layer_norm_epsilon"])
        q, k, v = torch.addmm(w[h + "attn.c_attn.bias"], a, w[h + "attn.c_attn.weight"]).split(d, -1)
        if cache is not None:
            if cache[i]:
                k, v = torch.cat([cache[i][0], k]), torch.cat([cache[i][1], v])
            cache[i] = [k, v]
        x = x + torch.addmm(w[h + "attn.c_proj.bias"], attention(q, k, v, heads, True, keep), w[h + "attn.c_proj.weight"])
        m = F.layer_norm(x, (d,), w[h + "ln_2.weight"], w[h + "ln_2.bias"], c["layer_norm_epsilon"])
        x = x + torch.addmm(w[h + "mlp.c_proj.bias"], F.gelu(torch.addmm(w[h + "mlp.c_fc.bias"], m, w[h + "mlp.c_fc.weight"]), approximate="tanh"), w[h + "mlp.c_proj.weight"])
    x = F.layer_norm(x, (d,), w["ln_f.weight"], w["ln_f.bias"], c["layer_norm_epsilon"])
    return x @ w["wte.weight"].T


def bert(w, c, ids, keep=None):
    d, heads, eps = c["hidden_size"], c["num_attention_heads"], c["layer_norm_eps"]
    e = "embeddings."
    x = w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][: len(ids)] + w[e + "token_type_embeddings.weight"][0]
    x = F.layer_norm(x, (d,), w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"], eps)
    lin = lambda x, n: F.linear(x, w[n + ".weight"], w[n + ".bias"])
    for i in range(c["num_hidden_layers"]):
        h = f"encoder.layer.{i}."
        q, k, v = (lin(x, h + "attention.self." + p) for p in ("query", "key", "value"))
        x = F.layer_norm(x + lin(attention(q, k, v, heads, False, keep), h + "attention.output.dense"), (d,),
                         w[h + "attention.output.LayerNorm.weight"], w[h + "attention.output.LayerNorm.bias"], eps)
        x = F.layer_norm(x + lin(F.gelu(lin(x, h + "intermediate.dense")), h + "output.dense"), (d,),
                         w[h + "output.LayerNorm.weight"], w[h + "output.LayerNorm.bias"], eps)
    t = F.layer_norm(F.gelu(lin(x, "cls.predictions.transform.dense")), (d,), w["cls.predictions.transform.LayerNorm.weight"],
                     w["cls.predictions.transform.LayerNorm.bias"], eps)
    return t @ w["embeddings.word_embeddings.weight"].T + w["cls.predictions.bias"]


def some_ids(count, vocabulary, offset):
    return torch.tensor([(offset + i * 7919) % (vocabulary - 200) for i in range(count)])


def main():
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 2
    torch.set_num_threads(threads)
    with torch.no_grad():
        start = time.perf_counter()
        gw, gc = load(sys.argv[1])
        open_gpt2 = time.perf_counter() - start
        start = time.perf_counter()
        bw, bc = load(sys.argv[2])
        open_bert = time.perf_counter() - start
        text = some_ids(32, gc["vocab_size"], 11)
        scores = []
        for _ in range(5):
            start = time.perf_counter()
            torch.log_softmax(gpt2(gw, gc, text[:-1]), -1).gather(1, text[1:, None])
            scores.append(time.perf_counter() - start)
        scores.sort()
        cache = [None] * gc["n_layer"]
        logits = gpt2(gw, gc, some_ids(8, gc["vocab_size"], 3), cache)
        start = time.perf_counter()
        for _ in range(32):
            next_id = int(torch.argmax(logits[-1]))
            logits = gpt2(gw, gc, torch.tensor([next_id]), cache)
        per_token = (time.perf_counter() - start) / 32
        start = time.perf_counter()
        gpt2(gw, gc, text, keep=[])
        bert(bw, bc, torch.cat([torch.tensor([101]), some_ids(30, bc["vocab_size"], 500), torch.tensor([102])]), keep=[])
        attention_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"open_gpt2_s": round(open_gpt2, 3), "open_bert_s": round(open_bert, 3), "score_s": round(scores[2], 4),
                      "generate_tokens_per_s": round(1 / per_token, 1), "attention_s": round(attention_s, 3),
                      "peak_mb": round(peak)}))


if __name__ == "__main__":
    main()
