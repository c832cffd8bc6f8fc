#!/usr/bin/python3
"""PyTorch peer of bench/hnn/bench.ts: one Hamiltonian-network training step (Greydanus et al.
2019) on the papers' network — input (q, p), two hidden layers of 200 tanh units, scalar H —
and batch: the symplectic gradient by autograd.grad(create_graph=True), the squared error
against the target derivatives, its gradient in the weights (double backward), an Adam step.
float64, `--threads` torch threads and OpenBLAS pinned to the same number.

    /usr/bin/python3 bench/hnn/peer_torch.py --init init.json [--reps 20] [--threads 1]

The weights and data come from `init.json` (written by bench.ts), so the loss and gradient at
the first step can be compared with lawful's. Prints RESULT {"ms_per_step", "loss0", "grad0", ...}.
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
    dims = init["dims"]  # [2, 200, 200, 1]
    layers = [torch.nn.Linear(dims[i], dims[i + 1]).double() for i in range(len(dims) - 1)]
    with torch.no_grad():
        for i, lin in enumerate(layers):
            lin.weight.copy_(torch.tensor(init["W%d" % (i + 1)], dtype=torch.float64).reshape(dims[i + 1], dims[i]))
            lin.bias.copy_(torch.tensor(init["b%d" % (i + 1)], dtype=torch.float64))
    params = [p for lin in layers for p in (lin.weight, lin.bias)]
    x = torch.tensor(init["x"], dtype=torch.float64).reshape(-1, 2).requires_grad_(True)
    dx = torch.tensor(init["dx"], dtype=torch.float64).reshape(-1, 2)

    def H(z):
        for lin in layers[:-1]:
            z = torch.tanh(lin(z))
        return layers[-1](z)

    def loss_fn():
        g = torch.autograd.grad(H(x).sum(), x, create_graph=True)[0]
        field = torch.stack([g[:, 1], -g[:, 0]], dim=1)
        return torch.mean((field - dx) ** 2)

    loss0 = loss_fn()
    # The output bias does not change ∇H: its gradient is zero (unused in the graph).
    grads = torch.autograd.grad(loss0, params, allow_unused=True)
    grad0 = torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1) for g, p in zip(grads, params)]).tolist()
    opt = torch.optim.Adam(params, lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()

    med = median_seconds(step, a.reps)
    print("RESULT " + json.dumps({"ms_per_step": round(1e3 * med, 2), "loss0": loss0.item(), "grad0": grad0, "torch": torch.__version__,
                                  "openblas_pinned": pinned, "threads": a.threads, "reps": a.reps}))


if __name__ == "__main__":
    main()
