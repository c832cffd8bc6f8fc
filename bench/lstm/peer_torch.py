#!/usr/bin/python3
"""PyTorch peer of bench/lstm/bench.ts (and, with --cell gru, of bench/gru/bench.ts): one LSTM (or GRU) training step (forward, backward, clip, Adam)
at hidden 64, window 100, batch 64, input 1, float32, 1 torch thread and OpenBLAS pinned to 1
thread (as in the reference measurement, docs/peer-baselines.md: Debian's torch does its GEMMs in OpenBLAS, whose pool
ignores torch.set_num_threads).

    /usr/bin/python3 bench/lstm/peer_torch.py [--reps 30] [--threads 1] [--cell lstm|gru]

Prints RESULT {"ms_per_step": median, ...}.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_common import median_seconds, pin_openblas  # noqa: E402

HIDDEN, WIN, BATCH, BURN_IN = 64, 100, 64, 10




class Net(torch.nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](1, HIDDEN, num_layers=1, batch_first=True)
        self.head = torch.nn.Linear(HIDDEN, 1)

    def forward(self, x):
        h, _ = self.rnn(x.unsqueeze(-1))
        return self.head(h).squeeze(-1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--cell", choices=["lstm", "gru"], default="lstm")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    pinned = pin_openblas(a.threads)
    torch.manual_seed(123)
    net = Net(a.cell)
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    x = torch.randn(BATCH, WIN)
    y = torch.randn(BATCH, WIN)

    def step():
        opt.zero_grad(set_to_none=True)
        out = net(x)
        loss = torch.mean((out[:, BURN_IN:] - y[:, BURN_IN:]) ** 2)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()

    med = median_seconds(step, a.reps)
    print("RESULT " + json.dumps({"ms_per_step": round(1e3 * med, 2), "torch": torch.__version__,
                                  "openblas_pinned": pinned, "threads": a.threads, "reps": a.reps}))


if __name__ == "__main__":
    main()
