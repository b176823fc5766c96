#!/usr/bin/python3
"""Writes random models of the real sizes in Hugging Face's layout, for timing (not for reading):
GPT-2 small (124 M parameters: d 768, 12 layers, 12 heads, 1,024 positions, 50,257 tokens) and
BERT-base (110 M: d 768, 12 layers, 12 heads, 512 positions, 30,522 tokens), with tokenizers of
those sizes (GPT-2: byte-level, 50,000 made-up merges; BERT: a vocab.txt of made-up words). The
names, shapes, dtypes and config keys are the hub's, written by tests/reference/make_hf_models.py.

    /usr/bin/python3 bench/make_real_size_models.py OUT_DIR
"""
import importlib.util
import json
import os
import sys

import torch

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("hf", os.path.join(here, "..", "tests", "reference", "make_hf_models.py"))
hf = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hf)
torch.set_default_dtype(torch.float32)
hf.D, hf.LAYERS, hf.HEADS = 768, 12, 12
hf.DH = hf.D // hf.HEADS


def gpt2(folder):
    os.makedirs(folder, exist_ok=True)
    symbols = [hf.bytes_to_unicode()[b] for b in range(256)]
    vocab = {s: i for i, s in enumerate(symbols)}
    merges, letters = [], [s for s in symbols if s.isalpha()][:52]
    # Two-symbol merges, then merges of those with a letter: 50,000 new tokens, each made once.
    pairs = [(a, b) for a in letters for b in letters]
    for a, b in pairs:
        merges.append((a, b))
    for ab in [a + b for a, b in pairs]:
        for c in letters:
            if len(merges) == 50000:
                break
            merges.append((ab, c))
    for a, b in merges:
        vocab[a + b] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    hf.write_json(os.path.join(folder, "vocab.json"), vocab)
    with open(os.path.join(folder, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    hf.CONTEXT = 1024
    weights = hf.gpt2_weights(len(vocab), seed=1)
    hf.save_safetensors(os.path.join(folder, "model.safetensors"), [(n, v * 0.1) for n, v in weights.items()])
    hf.write_json(os.path.join(folder, "config.json"), hf.gpt2_config(len(vocab)))


def bert(folder):
    os.makedirs(folder, exist_ok=True)
    words = ["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words += [f"w{i}" for i in range(30522 - len(words))]
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(words) + "\n")
    hf.CONTEXT = 512
    weights, head = hf.bert_weights(len(words), seed=2)
    tensors = [("bert." + n, v * 0.1) for n, v in weights.items()] + [(n, v * 0.1) for n, v in head.items()]
    hf.save_safetensors(os.path.join(folder, "model.safetensors"), tensors)
    config = {"architectures": ["BertForMaskedLM"], "hidden_act": "gelu", "hidden_size": 768, "intermediate_size": 3072,
              "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert", "num_attention_heads": 12,
              "num_hidden_layers": 12, "type_vocab_size": 2, "vocab_size": len(words), "position_embedding_type": "absolute"}
    hf.write_json(os.path.join(folder, "config.json"), config)


if __name__ == "__main__":
    out = sys.argv[1]
    gpt2(os.path.join(out, "gpt2-small"))
    bert(os.path.join(out, "bert-base"))
