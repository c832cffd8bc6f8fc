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
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_common import median_seconds, pin_openblas  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", required=True)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    pinned = pin_openblas(a.threads)
    init = json.load(open(a.init))
    dims, d, H, C = init["dims"], init["delays"], init["horizon"], init["channels"]
    layers = [torch.nn.Linear(dims[i], dims[i + 1]).double() for i in range(len(dims) - 1)]
    with torch.no_grad():
        for i, lin in enumerate(layers):
            lin.weight.copy_(torch.tensor(init["W%d" % (i + 1)], dtype=torch.float64).reshape(dims[i + 1], dims[i]))
            lin.bias.copy_(torch.tensor(init["b%d" % (i + 1)], dtype=torch.float64))
    params = [p for lin in layers for p in (lin.weight, lin.bias)]
    observed = torch.tensor(init["observed"], dtype=torch.float64).reshape(-1, d, C)
    truth = torch.tensor(init["truth"], dtype=torch.float64).reshape(-1, H, C)
    inc = torch.tensor(init["incStd"], dtype=torch.float64)

    def net(z):
        for lin in layers[:-1]:
            z = torch.tanh(lin(z))
        return layers[-1](z)

    def loss_fn():
        slots = [observed[:, i] for i in range(d)]
        preds = []
        for j in range(H):
            x = torch.cat([slots[j + d - 1 - i] for i in range(d)], dim=1)
            nxt = slots[-1] + inc * net(x)
            slots.append(nxt)
            preds.append(nxt)
        pred = torch.stack(preds, dim=1)
        return torch.mean(((pred - truth) / inc) ** 2)

    loss0 = loss_fn()
    grads = torch.autograd.grad(loss0, params)
    grad0 = torch.cat([g.reshape(-1) for g in grads]).tolist()
    opt = torch.optim.Adam(params, lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()

    med = median_seconds(step, a.reps)
    print("RESULT " + json.dumps({"ms_per_step": round(1e3 * med, 3), "loss0": loss0.item(), "grad0": grad0, "torch": torch.__version__,
                                  "openblas_pinned": pinned, "threads": a.threads, "reps": a.reps}))


if __name__ == "__main__":
    main()
