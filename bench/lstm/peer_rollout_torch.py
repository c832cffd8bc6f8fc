#!/usr/bin/python3
"""PyTorch peer of bench/lstm/rollout.ts: one training step of the rollout-trained LSTM
(src/nn/closed-loop.ts) — the input at step t is the observed block x_t for the first
`window` steps and the network's own prediction afterwards, the prediction is the last input
sample plus `inc` times the readout (increments from the last sample seen), the loss the mean
squared error over steps t ≥ burnIn — by autograd through the whole free run (BPTT), then an
Adam step. torch.nn.LSTMCell with lawful's weights (its gate order i, f, g, o is lawful's),
float64, `--threads` torch threads and OpenBLAS pinned to the same number.

    /usr/bin/python3 bench/lstm/peer_rollout_torch.py --init init.json [--reps 20] [--threads 1]

Prints RESULT {"ms_per_step", "loss0", "grad0", ...}.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer_common import adam_step_result, init_peer  # noqa: E402


def main():
    a, pinned, init = init_peer()
    C, H, T, B = init["channels"], init["hidden"], init["steps"], init["batch"]
    window, burn_in, src = init["window"], init["burnIn"], init["incrementFrom"]
    f64 = torch.float64
    cell = torch.nn.LSTMCell(C, H).double()
    head = torch.nn.Linear(H, C).double()
    with torch.no_grad():
        cell.weight_ih.copy_(torch.tensor(init["Wx"], dtype=f64).reshape(4 * H, C))
        cell.weight_hh.copy_(torch.tensor(init["Wh"], dtype=f64).reshape(4 * H, H))
        cell.bias_ih.copy_(torch.tensor(init["b"], dtype=f64))
        cell.bias_hh.zero_()
        head.weight.copy_(torch.tensor(init["Wout"], dtype=f64).reshape(C, H))
        head.bias.copy_(torch.tensor(init["bout"], dtype=f64))
    # lawful's θ has one gate bias; torch's second (bias_hh) stays zero and out of the comparison.
    params = [cell.weight_ih, cell.weight_hh, cell.bias_ih, head.weight, head.bias]
    x = torch.tensor(init["x"], dtype=f64).reshape(B, T, C)
    target = torch.tensor(init["target"], dtype=f64).reshape(B, T, C)
    inc = torch.tensor(init["inc"], dtype=f64)

    def loss_fn():
        h = torch.zeros(B, H, dtype=f64)
        c = torch.zeros(B, H, dtype=f64)
        preds = []
        prev = None
        for t in range(T):
            u = x[:, t] if t < window else prev
            h, c = cell(u, (h, c))
            prev = u[:, src] + inc * head(h)
            preds.append(prev)
        pred = torch.stack(preds, dim=1)
        return torch.mean((pred[:, burn_in:] - target[:, burn_in:]) ** 2)

    adam_step_result(loss_fn, params, a, pinned)


if __name__ == "__main__":
    main()
