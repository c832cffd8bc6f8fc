#!/usr/bin/python3
"""PyTorch peer of bench/ude/bench.ts: one UDE training step on Lotka-Volterra (Rackauckas et
al. 2020) -- the loss of an RK4 solve of  prey' = a*prey + N1, predator' = -d*predator + N2
(N an MLP 2 -> 32 -> 32 -> 2, tanh) at 31 sampling times, and its gradient in (a, d, weights,
z0) by torch autograd through the hand-written RK4 loop (torchdiffeq is not installed; the
step count is the same as lawful's). float64, 1 torch thread.

    /usr/bin/python3 bench/ude/peer_torch.py problem.json [--reps 10]

problem.json (written by bench.ts): t, y (2 channels), dt, hidden, theta (lawful's layout:
a, d, W1, b1, W2, b2, W3, b3 row-major [out][in], z0). Prints RESULT {"ms_per_step": median,
"loss": ..., "grad": [...]} so the bench checks the peer computes the same numbers.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_common import median_seconds  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("problem")
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    p = json.load(open(a.problem))
    t = torch.tensor(p["t"])
    y = torch.tensor(p["y"])  # [2][N]
    dt = p["dt"]
    widths = [2] + p["hidden"] + [2]
    theta = torch.tensor(p["theta"])
    # Slice theta as lawful lays it out.
    at = 0

    def take(*shape):
        nonlocal at
        n = 1
        for s in shape:
            n *= s
        v = theta[at:at + n].reshape(shape).clone().requires_grad_(True)
        at += n
        return v

    known = take(2)
    layers = []
    for l in range(1, len(widths)):
        layers.append((take(widths[l], widths[l - 1]), take(widths[l])))
    z0 = take(2)
    params = [known] + [w for pair in layers for w in pair] + [z0]
    var = y.var(dim=1, unbiased=False)
    weight = 1.0 / (2 * y.shape[1] * var)
    steps_per_sample = round(float(t[1] - t[0]) / dt)
    n_samples = y.shape[1]

    def field(z):
        h = z
        for i, (w, b) in enumerate(layers):
            h = torch.nn.functional.linear(h, w, b)
            if i < len(layers) - 1:
                h = torch.tanh(h)
        known_part = torch.stack([known[0] * z[0], -known[1] * z[1]])
        return known_part + h

    def loss_fn():
        z = z0
        loss = ((z - y[:, 0]) ** 2 * weight).sum()
        for n in range(1, n_samples):
            for _ in range(steps_per_sample):
                k1 = field(z)
                k2 = field(z + 0.5 * dt * k1)
                k3 = field(z + 0.5 * dt * k2)
                k4 = field(z + dt * k3)
                z = z + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            loss = loss + ((z - y[:, n]) ** 2 * weight).sum()
        return loss

    def step():
        for q in params:
            q.grad = None
        loss = loss_fn()
        loss.backward()
        return loss

    loss = step()
    med = median_seconds(step, a.reps, warmup=0)  # the call above was the warm-up
    grad = torch.cat([q.grad.reshape(-1) for q in params]).tolist()
    print("RESULT " + json.dumps({"ms_per_step": round(1e3 * med, 3), "loss": loss.item(), "grad": grad,
                                  "torch": torch.__version__, "reps": a.reps}))


if __name__ == "__main__":
    main()
