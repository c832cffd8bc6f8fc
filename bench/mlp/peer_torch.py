#!/usr/bin/python3
"""PyTorch peer of bench/mlp/bench.ts: one training step of the autoregressive MLP
(src/models/mlp.ts) — delays·C inputs, tanh hidden layers, C outputs, the next state being
the current one plus incStd times the output — run free for H steps from observed delay
slots, the mean squared error in increment units against the true continuation, its gradient
by autograd through the whole free run, an Adam step. float64, `--threads` torch threads and
OpenBLAS pinned to the same number.

    /usr/bin/python3 bench/mlp/peer_torch.py --init init.json [--reps 20] [--threads 1]

Weights, batch and increments' scale come from `init.json` (written by bench.ts), so the loss
and gradient at the first step can be compared with lawful's.
Prints RESULT {"ms_per_step", "loss0", "grad0", ...}.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_common import adam_step_result, init_peer, mlp_forward, mlp_layers  # noqa: E402


def main():
    a, pinned, init = init_peer()
    d, H, C = init["delays"], init["horizon"], init["channels"]
    layers, params = mlp_layers(init)
    observed = torch.tensor(init["observed"], dtype=torch.float64).reshape(-1, d, C)
    truth = torch.tensor(init["truth"], dtype=torch.float64).reshape(-1, H, C)
    inc = torch.tensor(init["incStd"], dtype=torch.float64)

    def loss_fn():
        slots = [observed[:, i] for i in range(d)]
        preds = []
        for j in range(H):
            x = torch.cat([slots[j + d - 1 - i] for i in range(d)], dim=1)
            nxt = slots[-1] + inc * mlp_forward(layers, x)
            slots.append(nxt)
            preds.append(nxt)
        pred = torch.stack(preds, dim=1)
        return torch.mean(((pred - truth) / inc) ** 2)

    adam_step_result(loss_fn, params, a, pinned)


if __name__ == "__main__":
    main()
