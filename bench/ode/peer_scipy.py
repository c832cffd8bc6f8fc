#!/usr/bin/python3
"""scipy peer of bench/ode/bench.ts: Lorenz-63 (sigma 10, rho 28, beta 8/3, y0 = (1, 1, 1))
over [0, 100], saved every 0.01 (10001 points, dense output), with solve_ivp RK45 and DOP853
at the same rtol/atol as lawful, plus the tight reference (DOP853, rtol = atol = 1e-13).

Prints one line `RESULT {json}`: per method the wall times (s) of --reps runs after one
warm-up, their median, accepted steps, function evaluations and the largest absolute error
(any component) against the reference on the save points t <= 20 (and t <= 10). Writes the
reference on t <= 20 to --ref (JSON: t, y as rows [x, y, z]) for lawful's side.

    /usr/bin/python3 bench/ode/peer_scipy.py [--rtol 1e-8] [--atol 1e-8] [--reps 5] [--ref FILE]
"""
import argparse
import json
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp

SIGMA, RHO, BETA = 10.0, 28.0, 8.0 / 3.0
Y0 = [1.0, 1.0, 1.0]
T1, DT, T_ERR = 100.0, 0.01, 20.0


def lorenz(_t, u):
    # A list return is the fastest plain formulation here (measured: np.array(...) is slower).
    x, y, z = u
    return [SIGMA * (y - x), x * (RHO - z) - y, x * y - BETA * z]


def run(method, rtol, atol, t_eval):
    return solve_ivp(lorenz, (0.0, T1), Y0, method=method, rtol=rtol, atol=atol, t_eval=t_eval)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--atol", type=float, default=1e-8)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--ref", default=None, help="write the reference on t <= 20 here (JSON)")
    a = ap.parse_args()

    t_eval = np.round(np.arange(round(T1 / DT) + 1) * DT, 10)
    m20 = t_eval <= T_ERR + 1e-9
    m10 = t_eval <= 10.0 + 1e-9
    t0 = time.perf_counter()
    ref = run("DOP853", 1e-13, 1e-13, t_eval)
    ref_s = time.perf_counter() - t0
    assert ref.success, ref.message
    out = {"scipy": scipy.__version__, "numpy": np.__version__, "rtol": a.rtol, "atol": a.atol,
           "save_points": len(t_eval),
           "reference": {"method": "scipy DOP853", "rtol": 1e-13, "atol": 1e-13, "nfev": int(ref.nfev),
                         "seconds": ref_s}}
    for method in ("RK45", "DOP853"):
        run(method, a.rtol, a.atol, t_eval)  # warm-up
        times = []
        for _ in range(a.reps):
            t0 = time.perf_counter()
            sol = run(method, a.rtol, a.atol, t_eval)
            times.append(time.perf_counter() - t0)
        assert sol.success, sol.message
        steps = len(run(method, a.rtol, a.atol, None).t) - 1  # same step sequence, no dense output
        err = np.abs(sol.y - ref.y)
        out[method] = {"seconds": times, "median_s": float(np.median(times)), "accepted_steps": steps,
                       "nfev": int(sol.nfev), "max_err_t20": float(err[:, m20].max()),
                       "max_err_t10": float(err[:, m10].max())}
    if a.ref:
        with open(a.ref, "w") as f:
            json.dump({"t": t_eval[m20].tolist(), "y": ref.y[:, m20].T.tolist(),
                       "method": "scipy DOP853 rtol=atol=1e-13"}, f)
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
