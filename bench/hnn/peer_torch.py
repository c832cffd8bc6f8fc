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
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_common import adam_step_result, init_peer, mlp_forward, mlp_layers  # noqa: E402


def main():
    a, pinned, init = init_peer()
    layers, params = mlp_layers(init)
    x = torch.tensor(init["x"], dtype=torch.float64).reshape(-1, 2).requires_grad_(True)
    dx = torch.tensor(init["dx"], dtype=torch.float64).reshape(-1, 2)

    def loss_fn():
        g = torch.autograd.grad(mlp_forward(layers, x).sum(), x, create_graph=True)[0]
        field = torch.stack([g[:, 1], -g[:, 0]], dim=1)
        return torch.mean((field - dx) ** 2)

    adam_step_result(loss_fn, params, a, pinned)


if __name__ == "__main__":
    main()
