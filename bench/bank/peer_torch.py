#!/usr/bin/python3
"""PyTorch peer of bench/bank/bench.ts: the oscillator bank of the reference PyTorch fit (docs/peer-baselines.md)
(same model, ESPRIT start, Adam -> L-BFGS settings and RK4 formulations, float64, 1 thread),
reading the task from --data (bench/out/task.csv, written by bench/bank/task.py) instead of
the script's own folder. Two measurements, each printed as one `RESULT {json}` line:

  --mode fit   the K = 4 fit from the ESPRIT start with the `scan` integrator (log-depth doubling
               of the RK4 step matrix; the reference's fastest formulation, 0.23 s), repeated
               --reps times after one warm-up: wall of each complete fit (ESPRIT, least-squares
               initial state, Adam/L-BFGS), in-window and beyond-window NRMSE, fitted modes.
  --mode grad  one loss + gradient evaluation (forward and backward, no optimiser step) through
               1000 RK4 steps with K = 4, median of --reps after one warm-up, for
               `stage` (the classic four-stage RK4 loop on z' = A z, as in the reference),
               `stage-sin` (the same loop on the pendulum bank x'' = -w^2 sin x - g x' - L x,
               the vector field of lawful's nonlinear bank) and `scan`.

    /usr/bin/python3 bench/bank/peer_torch.py --data bench/out --mode fit|grad [--reps 5] [--threads 1]
"""
import argparse
import ctypes
import ctypes.util
import json
import os
import time

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
H = 0.01


def set_threads(n):
    # OpenBLAS's pool ignores torch.set_num_threads (docs/peer-baselines.md), so pin both.
    torch.set_num_threads(n)
    for name in ("libopenblas.so.0", ctypes.util.find_library("openblas")):
        if not name:
            continue
        try:
            ctypes.CDLL(name).openblas_set_num_threads(n)
            return
        except (OSError, AttributeError):
            pass


def esprit(y_tr, K):
    """ESPRIT / matrix pencil on the L x (n-L+1) Hankel matrix, as in the reference script."""
    n = len(y_tr)
    L = n // 2
    Hk = np.lib.stride_tricks.sliding_window_view(y_tr, L).T
    U, _, _ = np.linalg.svd(Hk, full_matrices=False)
    Us = U[:, : 2 * K]
    Phi = np.linalg.lstsq(Us[:-1], Us[1:], rcond=None)[0]
    lam = np.log(np.linalg.eigvals(Phi).astype(complex)) / H
    lam = lam[lam.imag > 1e-6]
    lam = lam[np.argsort(lam.imag)][:K]
    om, sig = lam.imag, np.maximum(-lam.real, 1e-3)
    assert len(om) == K, "ESPRIT found fewer than K modes"
    return np.sqrt(om ** 2 + sig ** 2), 2 * sig


class OscBank(torch.nn.Module):
    def __init__(self, w0, g0, integrator="scan"):
        super().__init__()
        K = len(w0)
        self.K, self.integrator = K, integrator
        self.w = torch.nn.Parameter(torch.tensor(np.asarray(w0, float)))
        self.g_raw = torch.nn.Parameter(torch.log(torch.expm1(torch.tensor(np.asarray(g0, float)))))
        self.kc = torch.nn.Parameter(torch.zeros(K * (K - 1) // 2))
        self.c = torch.nn.Parameter(torch.ones(K))
        self.x0 = torch.nn.Parameter(torch.zeros(K))
        self.v0 = torch.nn.Parameter(torch.zeros(K))
        self.iu = torch.triu_indices(K, K, 1)

    def g(self):
        return torch.nn.functional.softplus(self.g_raw)

    def lap(self):
        K = self.K
        km = torch.zeros(K, K).index_put((self.iu[0], self.iu[1]), self.kc)
        km = km + km.T
        return torch.diag(km.sum(1)) - km

    def A(self):
        K = self.K
        top = torch.cat([torch.zeros(K, K), torch.eye(K)], 1)
        bot = torch.cat([-torch.diag(self.w ** 2) - self.lap(), -torch.diag(self.g())], 1)
        return torch.cat([top, bot], 0)

    def states(self, n, z0=None):
        z = torch.cat([self.x0, self.v0]) if z0 is None else z0
        if self.integrator == "stage":
            AT = self.A().T
            out = [z]
            for _ in range(n - 1):
                k1 = z @ AT
                k2 = (z + 0.5 * H * k1) @ AT
                k3 = (z + 0.5 * H * k2) @ AT
                k4 = (z + H * k3) @ AT
                z = z + (H / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
                out.append(z)
            return torch.stack(out)
        if self.integrator == "stage-sin":
            K, w2, g, lap = self.K, self.w ** 2, self.g(), self.lap()

            def f(z):
                x, v = z[..., :K], z[..., K:]
                return torch.cat([v, -w2 * torch.sin(x) - g * v - x @ lap], -1)

            out = [z]
            for _ in range(n - 1):
                k1 = f(z)
                k2 = f(z + 0.5 * H * k1)
                k3 = f(z + 0.5 * H * k2)
                k4 = f(z + H * k3)
                z = z + (H / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
                out.append(z)
            return torch.stack(out)
        I = torch.eye(2 * self.K)
        hA = H * self.A()
        M = I + hA @ (I + hA @ (I / 2 + hA @ (I / 6 + hA / 24)))  # the RK4 step of z' = A z
        Z, P = z.unsqueeze(0), M.T  # scan: Z holds states 0..m-1, P = (M^m)^T
        while Z.shape[0] < n:
            Z = torch.cat([Z, Z @ P], 0)
            P = P @ P
        return Z[:n]

    def forward(self, n):
        return self.states(n)[:, : self.K] @ self.c

    @torch.no_grad()
    def ls_initial_state(self, y_tr):
        K = self.K
        Z = self.states(len(y_tr), torch.eye(2 * K))
        B = Z[:, :, :K] @ self.c
        sol = torch.linalg.lstsq(B, y_tr[:, None]).solution[:, 0]
        self.x0.copy_(sol[:K])
        self.v0.copy_(sol[K:])

    @torch.no_grad()
    def modes(self):
        ev = torch.linalg.eigvals(self.A()).numpy()
        ev = ev[ev.imag > 0]
        o = np.argsort(ev.imag)
        return ev.imag[o], -ev.real[o]


def fit_esprit(y_tr, K):
    """The reference's esprit/scan fit: Adam (skipped once NRMSE < 1e-3) then L-BFGS."""
    y_t = torch.tensor(y_tr)
    var = float(np.var(y_tr))
    t0 = time.perf_counter()
    w0, g0 = esprit(y_tr, K)
    m = OscBank(w0, g0, "scan")
    m.ls_initial_state(y_t)
    n = len(y_tr)

    def loss_fn():
        return torch.mean((m(n) - y_t) ** 2) / var

    adam_steps, cap, lr = 0, 3000, 0.01
    opt = torch.optim.Adam(m.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, cap, eta_min=lr * 1e-2)
    for _ in range(cap):
        opt.zero_grad()
        loss = loss_fn()
        if loss.item() ** 0.5 < 1e-3:
            break
        loss.backward()
        opt.step()
        sched.step()
        adam_steps += 1
    opt2 = torch.optim.LBFGS(m.parameters(), lr=1, max_iter=500, max_eval=750, history_size=50,
                             line_search_fn="strong_wolfe", tolerance_grad=1e-12, tolerance_change=1e-18)
    evals = [0]

    def closure():
        opt2.zero_grad()
        l = loss_fn()
        l.backward()
        evals[0] += 1
        return l

    opt2.step(closure)
    wall = time.perf_counter() - t0
    return m, {"wall_s": wall, "adam_steps": adam_steps, "lbfgs_iters": opt2.state[opt2._params[0]].get("n_iter", 0),
               "lbfgs_evals": evals[0]}


def load(data_dir):
    d = np.loadtxt(os.path.join(data_dir, "task.csv"), delimiter=",", skiprows=1)
    meta = json.load(open(os.path.join(data_dir, "task.json")))
    return d[:, 0], d[:, 1], meta


def mode_fit(a):
    t, y, meta = load(a.data)
    ntr = int(np.sum(t <= meta["t_train_end"] + 1e-9))
    sd = meta["y_std_train"]
    first = fit_esprit(y[:ntr], 4)[1]["wall_s"]  # warm-up: the first fit in a fresh process
    walls, info, m = [], None, None
    for _ in range(a.reps):
        m, info = fit_esprit(y[:ntr], 4)
        walls.append(info["wall_s"])
    with torch.no_grad():
        yp = m(len(t)).numpy()
    om, sig = m.modes()
    return {"walls_s": walls, "median_s": float(np.median(walls)), "first_fit_s": first, **{k: info[k] for k in ("adam_steps", "lbfgs_iters", "lbfgs_evals")},
            "nrmse_in": float(np.sqrt(np.mean((yp[:ntr] - y[:ntr]) ** 2)) / sd),
            "nrmse_out": float(np.sqrt(np.mean((yp[ntr:] - y[ntr:]) ** 2)) / sd),
            "mode_freq": om.tolist(), "mode_decay": sig.tolist()}


def mode_grad(a):
    t, y, meta = load(a.data)
    ntr = int(np.sum(t <= meta["t_train_end"] + 1e-9))  # 1001 samples: 1000 RK4 steps
    y_t = torch.tensor(y[:ntr])
    var = float(np.var(y[:ntr]))
    out = {"rk4_steps": ntr - 1}
    for integ in ("stage", "stage-sin", "scan"):
        m = OscBank(np.linspace(1.2, 2.9, 4), np.full(4, 0.03), integ)
        with torch.no_grad():  # a generic, coupled, moving state (the timing does not depend on it)
            m.x0.fill_(0.5)
            m.v0.fill_(-0.3)
            m.kc.fill_(0.1)
        ts = []
        for _ in range(a.reps + 1):
            t0 = time.perf_counter()
            m.zero_grad()
            loss = torch.mean((m(ntr) - y_t) ** 2) / var
            loss.backward()
            ts.append(time.perf_counter() - t0)
        out[integ] = {"seconds": ts[1:], "median_s": float(np.median(ts[1:])), "loss": float(loss)}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True, help="folder with task.csv and task.json (bench/bank/task.py)")
    ap.add_argument("--mode", choices=["fit", "grad"], required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    set_threads(a.threads)
    res = mode_fit(a) if a.mode == "fit" else mode_grad(a)
    res.update({"torch": torch.__version__, "threads": a.threads, "dtype": "float64", "mode": a.mode})
    print("RESULT " + json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
