#!/usr/bin/python3
"""scipy peer of bench/equation/bench.ts: the four Lotka–Volterra constants (and the two
initial states) fitted to the same data from the same starts, by scipy.optimize.least_squares
(trust-region reflective, the bounds as given, its default 2-point finite-difference Jacobian)
over solve_ivp RK45 at the same rtol/atol.

Reads --task FILE (JSON: t, prey, predator, starts [[alpha, beta, gamma, delta, prey0,
predator0], ...], lower, upper, rtol, atol). Prints one line `RESULT {json}`: per start the
wall time (s, median of --reps), the estimate, the function evaluations and whether it succeeded.

    /usr/bin/python3 bench/equation/peer_scipy.py --task FILE [--reps 3]
"""
import argparse
import json
import time

import numpy as np
import scipy
from scipy.integrate import solve_ivp
from scipy.optimize import least_squares


def lotka_volterra(_t, u, a, b, c, d):
    x, y = u
    return [a * x - b * x * y, d * x * y - c * y]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", required=True)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    task = json.load(open(a.task))
    t = np.array(task["t"])
    data = np.stack([np.array(task["prey"]), np.array(task["predator"])])
    # The same channel weights as lawful's misfit: 1 / sd of each channel.
    scale = data.std(axis=1, keepdims=True)

    def residuals(p):
        sol = solve_ivp(lotka_volterra, (t[0], t[-1]), p[4:6], t_eval=t, args=tuple(p[:4]), rtol=task["rtol"], atol=task["atol"])
        if not sol.success or sol.y.shape[1] != t.size:
            return np.full(data.size, 1e3)
        return ((sol.y - data) / scale).ravel()

    out = []
    for start in task["starts"]:
        times = []
        r = None
        for _ in range(a.reps):
            t0 = time.perf_counter()
            r = least_squares(residuals, np.array(start), bounds=(task["lower"], task["upper"]), method="trf", x_scale="jac")
            times.append(time.perf_counter() - t0)
        out.append({"seconds": times, "median_s": float(np.median(times)), "x": r.x.tolist(), "nfev": int(r.nfev), "success": bool(r.success), "cost": float(r.cost)})
    print("RESULT " + json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "starts": out}))


if __name__ == "__main__":
    main()
