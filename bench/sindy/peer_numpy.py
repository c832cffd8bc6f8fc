#!/usr/bin/python3
"""numpy/scipy peer of bench/sindy/bench.ts, written the way PySINDy works (Brunton et al.
2016; de Silva et al. 2020): second-order finite differences (PySINDy's FiniteDifference
default), a degree-2 polynomial library built column by column, STLSQ as a thresholding loop
around numpy's `lstsq` on the tall matrix, per target; then the discovered model simulated
by `solve_ivp` over a Python right-hand side (LSODA, rtol = atol = 1e-12, PySINDy's
`simulate` defaults; and DOP853 at the same tolerances, for reference).

Reads the Lorenz samples lawful wrote (float64, rows [x, y, z]) for each size, times the
whole fit --reps times after one warm-up (wall time, and the process's CPU time, which a
shared machine disturbs less), and prints one line `RESULT {json}`.

    /usr/bin/python3 bench/sindy/peer_numpy.py --data DIR --sizes 5000,100000,1000000 --dt 0.002
"""
import argparse
import json
import os
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp

NAMES = ["1", "x", "y", "z", "x^2", "x*y", "x*z", "y^2", "y*z", "z^2"]


def differentiate(X, dt):
    """Second-order central differences, second-order one-sided at the ends (as PySINDy)."""
    D = np.empty_like(X)
    D[1:-1] = (X[2:] - X[:-2]) / (2 * dt)
    D[0] = (-3 * X[0] + 4 * X[1] - X[2]) / (2 * dt)
    D[-1] = (3 * X[-1] - 4 * X[-2] + X[-3]) / (2 * dt)
    return D


def library(X):
    x, y, z = X[:, 0], X[:, 1], X[:, 2]
    return np.column_stack([np.ones_like(x), x, y, z, x * x, x * y, x * z, y * y, y * z, z * z])


def stlsq(Theta, Xdot, threshold=0.1, max_iter=20):
    P = Theta.shape[1]
    Xi = np.zeros((Xdot.shape[1], P))
    for c in range(Xdot.shape[1]):
        active = np.ones(P, dtype=bool)
        xi = np.zeros(P)
        for _ in range(max_iter):
            xi[:] = 0
            xi[active] = np.linalg.lstsq(Theta[:, active], Xdot[:, c], rcond=None)[0]
            keep = np.abs(xi) >= threshold
            if np.array_equal(keep, active):
                break
            active = keep
        xi[~active] = 0
        Xi[c] = xi
    return Xi


def fit(X, dt):
    return stlsq(library(X), differentiate(X, dt))


def rhs_of(Xi):
    def rhs(_t, u):
        return library(u[None, :])[0] @ Xi.T
    return rhs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--sizes", default="5000,100000,1000000")
    ap.add_argument("--dt", type=float, default=0.002)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--until", type=float, default=15.0)
    a = ap.parse_args()

    out = {"numpy": np.__version__, "scipy": scipy.__version__, "fit": {}}
    for n in [int(s) for s in a.sizes.split(",")]:
        X = np.fromfile(os.path.join(a.data, f"sindy_lorenz_{n}.f64"), dtype=np.float64).reshape(n, 3)
        fit(X, a.dt)  # warm-up
        reps = a.reps if n <= 100000 else max(3, a.reps // 2)
        times, cpu = [], []
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            Xi = fit(X, a.dt)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        out["fit"][str(n)] = {"seconds": times, "median_s": float(np.median(times)), "cpu_seconds": cpu, "median_cpu_s": float(np.median(cpu)), "coef": Xi.tolist()}

    # Simulate the model fitted on the smallest data set from its first sample.
    n0 = min(int(s) for s in a.sizes.split(","))
    X = np.fromfile(os.path.join(a.data, f"sindy_lorenz_{n0}.f64"), dtype=np.float64).reshape(n0, 3)
    Xi = fit(X, a.dt)
    t_eval = np.round(np.arange(round(a.until / a.dt) + 1) * a.dt, 10)
    t0 = time.perf_counter()
    sol = solve_ivp(rhs_of(Xi), (0.0, a.until), X[0], method="LSODA", rtol=1e-12, atol=1e-12, t_eval=t_eval)
    sim_s = time.perf_counter() - t0
    assert sol.success, sol.message
    out["simulate"] = {"seconds": sim_s, "nfev": int(sol.nfev), "end": sol.y[:, -1].tolist(), "y_at_1": sol.y[:, round(1 / a.dt)].tolist()}
    # The same algorithm as lawful's (DOP853), for reference: not PySINDy's default.
    t0 = time.perf_counter()
    sol8 = solve_ivp(rhs_of(Xi), (0.0, a.until), X[0], method="DOP853", rtol=1e-12, atol=1e-12, t_eval=t_eval)
    out["simulate_dop853"] = {"seconds": time.perf_counter() - t0, "nfev": int(sol8.nfev)}
    print("RESULT " + json.dumps(out))


if __name__ == "__main__":
    main()
