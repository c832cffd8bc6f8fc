"""What every PyTorch peer of bench/ shares: OpenBLAS pinned to the thread count, and the
median wall time of a step after a warm-up (the same rule as the TypeScript side's medians).

Each peer puts bench/ on sys.path and imports from here."""
import ctypes
import ctypes.util
import time


def pin_openblas(n):
    """Debian's torch does its GEMMs in OpenBLAS, whose pool ignores torch.set_num_threads."""
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_set_num_threads(n)
            return True
        except (OSError, AttributeError):
            pass
    return False


def median_seconds(step, reps, warmup=3):
    """Median of `reps` timed calls of `step()` after `warmup` untimed ones."""
    for _ in range(warmup):
        step()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        step()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    n = len(ts)
    return ts[n // 2] if n % 2 else 0.5 * (ts[n // 2 - 1] + ts[n // 2])


def mlp_layers(init):
    """torch Linear layers (float64) holding the MLP of a bench's init.json: `dims` and lawful's
    layout W1, b1, W2, … (row-major, rows are output units, as torch's weight)."""
    import torch
    dims = init["dims"]
    layers = [torch.nn.Linear(dims[i], dims[i + 1]).double() for i in range(len(dims) - 1)]
    with torch.no_grad():
        for i, lin in enumerate(layers):
            lin.weight.copy_(torch.tensor(init["W%d" % (i + 1)], dtype=torch.float64).reshape(dims[i + 1], dims[i]))
            lin.bias.copy_(torch.tensor(init["b%d" % (i + 1)], dtype=torch.float64))
    return layers, [p for lin in layers for p in (lin.weight, lin.bias)]


def adam_step_result(loss_fn, params, args, pinned, lr=1e-3):
    """Prints the RESULT line of a training-step peer: the loss and gradient at the shared
    starting weights (zero for a parameter the loss does not use), for the comparison with
    lawful's, then the median time of a step (zero_grad, loss, backward, Adam)."""
    import json
    import torch
    loss0 = loss_fn()
    grads = torch.autograd.grad(loss0, params, allow_unused=True)
    grad0 = torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1) for g, p in zip(grads, params)]).tolist()
    opt = torch.optim.Adam(params, lr=lr)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()

    med = median_seconds(step, args.reps)
    print("RESULT " + json.dumps({"ms_per_step": round(1e3 * med, 3), "loss0": loss0.item(), "grad0": grad0, "torch": torch.__version__,
                                  "openblas_pinned": pinned, "threads": args.threads, "reps": args.reps}))


def mlp_forward(layers, z):
    """The tanh MLP of `mlp_layers`: tanh after every layer but the linear readout."""
    import torch
    for lin in layers[:-1]:
        z = torch.tanh(lin(z))
    return layers[-1](z)


def init_peer():
    """The command line of a peer that starts from lawful's weights (--init init.json --reps N
    --threads T): torch and OpenBLAS set to T threads; returns (args, pinned, init)."""
    import argparse
    import json
    import torch
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", required=True)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    pinned = pin_openblas(args.threads)
    with open(args.init) as f:
        return args, pinned, json.load(f)
