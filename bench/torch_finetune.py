#!/usr/bin/env python3
"""The PyTorch side of bench/finetune.sh: a decoder of the tiny preset's shape (pre-LN blocks,
learned positions, tied embeddings) with a new linear classifier on the last token's state,
finetuned with AdamW (weight decay 0.01), gradient clipping at 1 and BERT's linear warmup and
decay, on batches of the given shape. Prints one JSON line with ms per step.

  /usr/bin/python3 bench/torch_finetune.py --vocab V --batch B --length T --steps N --threads 2
"""
import argparse, json, math, os, time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # torch's own threads only
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.output = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc, self.projection = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        scores = scores.masked_fill(~torch.ones(t, t, dtype=torch.bool).tril(), float("-inf"))
        x = x + self.output((scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d))
        return x + self.projection(F.gelu(self.fc(self.norm2(x))))


class Classifier(nn.Module):
    def __init__(self, vocab, d, layers, heads, context, classes):
        super().__init__()
        self.token, self.position = nn.Embedding(vocab, d), nn.Embedding(context, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)

    def forward(self, ids):
        x = self.token(ids) + self.position(torch.arange(ids.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, -1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", type=int, required=True)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--length", type=int, required=True)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    a = parser.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Classifier(a.vocab, 64, 2, 4, 64, 2)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    warmup = a.steps // 10
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (a.steps - s) / (a.steps - warmup)))
    ids = torch.randint(0, a.vocab, (a.steps, a.batch, a.length))
    labels = torch.randint(0, 2, (a.steps, a.batch))
    spent = 0.0
    for step in range(a.steps):
        start = time.perf_counter()
        loss = F.cross_entropy(model(ids[step]), labels[step])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        if step >= 5:
            spent += time.perf_counter() - start
    print(json.dumps({"steps": a.steps, "batch": a.batch, "length": a.length,
                      "ms_per_step": 1000 * spent / (a.steps - 5),
                      "parameters": sum(p.numel() for p in model.parameters())}))


if __name__ == "__main__":
    main()
