#!/usr/bin/python3
"""numpy peer of bench/reservoir/bench.ts: the ESN and NVAR fits of lawful's models/esn.ts and
models/nvar.ts written the way one writes them in numpy/scipy, on the same standardised
Lorenz-63 training data (--input, written by bench.ts, which also holds lawful's reservoir
and both of lawful's readouts).

ESN: build (sparse random W with `degree` distinct columns per row, spectral radius by
ARPACK eigs, input map, biases), run (teacher-forced leaky tanh reservoir, states stored),
readout (ridge by the normal equations X^T X + lambda I, Cholesky); `fit` is the three on a
fresh reservoir. The run and readout are also done on lawful's own reservoir, and that readout
is compared with lawful's. NVAR: features [1, z_k, z_{k-1}, their unique quadratic monomials],
ridge readout of the increment, compared with lawful's.

Prints one line `RESULT {json}`: wall times (s) of --reps runs after one warm-up, medians,
and the largest relative readout differences.

    /usr/bin/python3 bench/reservoir/peer_numpy.py --input bench/out/reservoir_input.json [--reps 5]
"""
import os

# One BLAS thread: lawful runs on one core.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.linalg  # noqa: E402
import scipy.sparse  # noqa: E402
import scipy.sparse.linalg  # noqa: E402


def timed(fn, reps):
    fn()
    seconds = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - t0)
    return {"seconds": seconds, "median_s": float(np.median(seconds))}


def build(cfg, C, seed):
    rng = np.random.default_rng(seed)
    N, d = cfg["size"], cfg["degree"]
    cols = np.concatenate([rng.choice(N, d, replace=False) for _ in range(N)])
    vals = rng.uniform(-1, 1, N * d)
    W = scipy.sparse.csr_matrix((vals, cols, np.arange(0, N * d + 1, d)), shape=(N, N))
    rho = abs(scipy.sparse.linalg.eigs(W, k=1, which="LM", return_eigenvectors=False)[0])
    W = W * (cfg["spectralRadius"] / rho)
    ch = rng.integers(0, C, N)
    win = rng.uniform(-cfg["inputScaling"], cfg["inputScaling"], N)
    b = rng.uniform(-cfg["bias"], cfg["bias"], N)
    return W, ch, win, b


def run(res, z, cfg):
    W, ch, win, b = res
    n, N, a, warm = z.shape[0], W.shape[0], cfg["leak"], cfg["warmup"]
    r = np.zeros(N)
    states = np.empty((n - 1 - warm, N))
    for k in range(n - 1):
        pre = W @ r + win * z[k, ch] + b
        r = np.tanh(pre) if a == 1 else (1 - a) * r + a * np.tanh(pre)
        if k >= warm:
            states[k - warm] = r
    return states


def esn_readout(states, z, cfg):
    warm = cfg["warmup"]
    rt = states.copy()
    if cfg["squaredStates"]:
        rt[:, 0::2] **= 2
    u = z[warm:-1]
    X = np.hstack([np.ones((u.shape[0], 1)), u, rt])
    Y = z[warm + 1:]
    G = X.T @ X
    G[np.diag_indices_from(G)] += cfg["ridge"]
    return scipy.linalg.solve(G, X.T @ Y, assume_a="pos").T


def nvar_fit(z, cfg):
    assert cfg["delays"] == 2 and cfg["spacing"] == 1 and cfg["order"] == 2 and cfg["increment"]
    lin = np.hstack([z[1:-1], z[:-2]])
    i, j = np.triu_indices(lin.shape[1])
    X = np.hstack([np.ones((lin.shape[0], 1)), lin, lin[:, i] * lin[:, j]])
    Y = z[2:] - z[1:-1]
    G = X.T @ X
    G[np.diag_indices_from(G)] += cfg["ridge"]
    return scipy.linalg.solve(G, X.T @ Y, assume_a="pos").T


def rel_diff(a, b):
    return float(np.max(np.abs(a - b)) / np.max(np.abs(b)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    with open(args.input) as f:
        d = json.load(f)
    C, n = d["C"], d["n"]
    z = np.array(d["z"]).reshape(n, C)
    ecfg, ncfg, lr = d["esn"], d["nvar"], d["reservoir"]
    N = ecfg["size"]
    W = scipy.sparse.csr_matrix((np.array(lr["val"]), np.array(lr["col"]), np.array(lr["rowStart"])), shape=(N, N))
    lawful_res = (W, np.array(lr["inputChannel"]), np.array(lr["inputWeight"]), np.array(lr["bias"]))

    states = run(lawful_res, z, ecfg)
    Wout = esn_readout(states, z, ecfg)
    p = 1 + C + N
    esn_diff = rel_diff(np.array(d["esnReadout"]).reshape(C, p), Wout)
    eig = np.linalg.eigvals(W.toarray())
    nvar_diff = rel_diff(np.array(d["nvarReadout"]).reshape(C, -1), nvar_fit(z, ncfg))

    esn = {
        "build": timed(lambda: build(ecfg, C, 0), args.reps),
        "run": timed(lambda: run(lawful_res, z, ecfg), args.reps),
        "readout": timed(lambda: esn_readout(states, z, ecfg), args.reps),
        "fit": timed(lambda: esn_readout(run(build(ecfg, C, 0), z, ecfg), z, ecfg), args.reps),
        "readout_max_rel_diff": esn_diff,
        "spectral_radius_of_lawful_W": float(np.max(np.abs(eig))),
    }
    nvar = {"fit": timed(lambda: nvar_fit(z, ncfg), max(args.reps, 9)), "readout_max_rel_diff": nvar_diff}
    print("RESULT " + json.dumps({"numpy": np.__version__, "scipy": scipy.__version__, "esn": esn, "nvar": nvar}))


if __name__ == "__main__":
    main()
