/**
 * Small test terms with f, vjp and jac written by hand (tests only; the real systems live
 * in src/systems/). Each says where its closed form or reference values come from.
 */
import type { LinearTerm, SplitTerm, Term } from '../../src/ode/term.js';

/** y' = A y with A = θ reshaped row-major (n×n); exact solution expm(A t) y0. */
export function linearTerm(n: number): LinearTerm {
  return {
    kind: 'linear',
    dim: n,
    nParams: n * n,
    f(_t, y, A, dy) {
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += A[i * n + j] * y[j];
        dy[i] = acc;
      }
    },
    vjp(_t, y, A, v, dyOut, dTheta) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          dyOut[j] += v[i] * A[i * n + j];
          dTheta[i * n + j] += v[i] * y[j];
        }
      }
    },
    jac(_t, _y, A, J) {
      J.set(A.subarray(0, n * n));
    },
    matrix(A, out) {
      out.set(A.subarray(0, n * n));
    },
    matrixVjp(_A, Abar, dTheta) {
      for (let i = 0; i < n * n; i++) dTheta[i] += Abar[i];
    },
  };
}

/**
 * n uncoupled oscillators as a split term: y = [q, p], q' = c p, p' = −k ⊙ q, θ = [k₁…k_n, c].
 * Closed form: q(t) = q₀ cos ωt + (c p₀/ω) sin ωt, p = −(k q₀/ω) sin ωt + p₀ cos ωt, ω = √(c k).
 * Energy H = c p²/2 + k q²/2 is conserved.
 */
export function harmonicSplit(n: number): SplitTerm {
  const dq = (_t: number, p: Float64Array, th: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) out[i] = th[n] * p[i];
  };
  const dp = (_t: number, q: Float64Array, th: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) out[i] = -th[i] * q[i];
  };
  return {
    kind: 'split',
    dim: 2 * n,
    nParams: n + 1,
    dq,
    dp,
    dqVjp(_t, p, th, v, pOut, dTheta) {
      for (let i = 0; i < n; i++) {
        pOut[i] += v[i] * th[n];
        dTheta[n] += v[i] * p[i];
      }
    },
    dpVjp(_t, q, th, v, qOut, dTheta) {
      for (let i = 0; i < n; i++) {
        qOut[i] -= v[i] * th[i];
        dTheta[i] -= v[i] * q[i];
      }
    },
    f(t, y, th, dy) {
      dq(t, y.subarray(n), th, dy.subarray(0, n));
      dp(t, y.subarray(0, n), th, dy.subarray(n));
    },
    vjp(_t, y, th, v, dyOut, dTheta) {
      for (let i = 0; i < n; i++) {
        // dy_q = c p, dy_p = −k q
        dyOut[n + i] += v[i] * th[n];
        dTheta[n] += v[i] * y[n + i];
        dyOut[i] -= v[n + i] * th[i];
        dTheta[i] -= v[n + i] * y[i];
      }
    },
    jac(_t, _y, th, J) {
      const m = 2 * n;
      J.fill(0);
      for (let i = 0; i < n; i++) {
        J[i * m + n + i] = th[n];
        J[(n + i) * m + i] = -th[i];
      }
    },
  };
}

export function harmonicExact(n: number, th: Float64Array, y0: Float64Array, t: number): Float64Array {
  const out = new Float64Array(2 * n);
  const c = th[n];
  for (let i = 0; i < n; i++) {
    const w = Math.sqrt(c * th[i]);
    const q0 = y0[i];
    const p0 = y0[n + i];
    out[i] = q0 * Math.cos(w * t) + ((c * p0) / w) * Math.sin(w * t);
    out[n + i] = -((th[i] * q0) / w) * Math.sin(w * t) + p0 * Math.cos(w * t);
  }
  return out;
}

/**
 * A nonlinear, non-autonomous problem with a closed form (tests nodes c_i and nonlinearity):
 * x' = x(1 − r²) − ω y, y' = y(1 − r²) + ω x, z' = λ z cos t, θ = [ω, λ].
 * In polar form r' = r(1 − r²), φ' = ω, so r(t) = (1 + (1/r₀² − 1) e^(−2t))^(−1/2),
 * φ(t) = φ₀ + ω t, and z(t) = z₀ exp(λ sin t).
 */
export const limitCycle: Term = {
  dim: 3,
  nParams: 2,
  f(t, y, th, dy) {
    const r2 = y[0] * y[0] + y[1] * y[1];
    dy[0] = y[0] * (1 - r2) - th[0] * y[1];
    dy[1] = y[1] * (1 - r2) + th[0] * y[0];
    dy[2] = th[1] * y[2] * Math.cos(t);
  },
  vjp(t, y, th, v, dyOut, dTheta) {
    const [x, yy, z] = [y[0], y[1], y[2]];
    const r2 = x * x + yy * yy;
    // ∂f0/∂x = 1 − r² − 2x², ∂f0/∂y = −2xy − ω; ∂f1/∂x = −2xy + ω, ∂f1/∂y = 1 − r² − 2y²
    dyOut[0] += v[0] * (1 - r2 - 2 * x * x) + v[1] * (-2 * x * yy + th[0]);
    dyOut[1] += v[0] * (-2 * x * yy - th[0]) + v[1] * (1 - r2 - 2 * yy * yy);
    dyOut[2] += v[2] * th[1] * Math.cos(t);
    dTheta[0] += -v[0] * yy + v[1] * x;
    dTheta[1] += v[2] * z * Math.cos(t);
  },
  jac(t, y, th, J) {
    const [x, yy] = [y[0], y[1]];
    const r2 = x * x + yy * yy;
    J.fill(0);
    J[0] = 1 - r2 - 2 * x * x;
    J[1] = -2 * x * yy - th[0];
    J[3] = -2 * x * yy + th[0];
    J[4] = 1 - r2 - 2 * yy * yy;
    J[8] = th[1] * Math.cos(t);
  },
};

export function limitCycleExact(th: Float64Array, y0: Float64Array, t: number): Float64Array {
  const r0 = Math.hypot(y0[0], y0[1]);
  const phi0 = Math.atan2(y0[1], y0[0]);
  const r = 1 / Math.sqrt(1 + (1 / (r0 * r0) - 1) * Math.exp(-2 * t));
  const phi = phi0 + th[0] * t;
  return Float64Array.of(r * Math.cos(phi), r * Math.sin(phi), y0[2] * Math.exp(th[1] * Math.sin(t)));
}

/** Van der Pol: x' = v, v' = μ(1 − x²) v − x, θ = [μ]. */
export const vanDerPol: Term = {
  dim: 2,
  nParams: 1,
  f(_t, y, th, dy) {
    dy[0] = y[1];
    dy[1] = th[0] * (1 - y[0] * y[0]) * y[1] - y[0];
  },
  vjp(_t, y, th, v, dyOut, dTheta) {
    dyOut[0] += v[1] * (-2 * th[0] * y[0] * y[1] - 1);
    dyOut[1] += v[0] + v[1] * th[0] * (1 - y[0] * y[0]);
    dTheta[0] += v[1] * (1 - y[0] * y[0]) * y[1];
  },
  jac(_t, y, th, J) {
    J[0] = 0;
    J[1] = 1;
    J[2] = -2 * th[0] * y[0] * y[1] - 1;
    J[3] = th[0] * (1 - y[0] * y[0]);
  },
};

/** Lorenz-63: x' = σ(y − x), y' = x(ρ − z) − y, z' = xy − βz, θ = [σ, ρ, β]. */
export const lorenz: Term = {
  dim: 3,
  nParams: 3,
  f(_t, u, th, dy) {
    dy[0] = th[0] * (u[1] - u[0]);
    dy[1] = u[0] * (th[1] - u[2]) - u[1];
    dy[2] = u[0] * u[1] - th[2] * u[2];
  },
  vjp(_t, u, th, v, dyOut, dTheta) {
    dyOut[0] += -th[0] * v[0] + (th[1] - u[2]) * v[1] + u[1] * v[2];
    dyOut[1] += th[0] * v[0] - v[1] + u[0] * v[2];
    dyOut[2] += -u[0] * v[1] - th[2] * v[2];
    dTheta[0] += (u[1] - u[0]) * v[0];
    dTheta[1] += u[0] * v[1];
    dTheta[2] += -u[2] * v[2];
  },
  jac(_t, u, th, J) {
    J.set([-th[0], th[0], 0, th[1] - u[2], -1, -u[0], u[1], u[0], -th[2]]);
  },
};

/**
 * Robertson's chemical kinetics (Robertson 1966; Hairer & Wanner II, IV.1), θ = [k1, k2, k3]
 * = [0.04, 3e7, 1e4]: y1' = −k1 y1 + k3 y2 y3, y2' = k1 y1 − k3 y2 y3 − k2 y2², y3' = k2 y2².
 */
export const robertson: Term = {
  dim: 3,
  nParams: 3,
  f(_t, y, th, dy) {
    const a = th[0] * y[0];
    const b = th[2] * y[1] * y[2];
    const c = th[1] * y[1] * y[1];
    dy[0] = -a + b;
    dy[1] = a - b - c;
    dy[2] = c;
  },
  vjp(_t, y, th, v, dyOut, dTheta) {
    const [k1, k2, k3] = [th[0], th[1], th[2]];
    dyOut[0] += k1 * (v[1] - v[0]);
    dyOut[1] += k3 * y[2] * (v[0] - v[1]) + 2 * k2 * y[1] * (v[2] - v[1]);
    dyOut[2] += k3 * y[1] * (v[0] - v[1]);
    dTheta[0] += y[0] * (v[1] - v[0]);
    dTheta[1] += y[1] * y[1] * (v[2] - v[1]);
    dTheta[2] += y[1] * y[2] * (v[0] - v[1]);
  },
  jac(_t, y, th, J) {
    const [k1, k2, k3] = [th[0], th[1], th[2]];
    J.set([-k1, k3 * y[2], k3 * y[1], k1, -k3 * y[2] - 2 * k2 * y[1], -k3 * y[1], 0, 2 * k2 * y[1], 0]);
  },
};

/** Strips `kind` (and the split/linear extras) so a term is seen as a general one. */
export function asGeneral(term: Term): Term {
  return { dim: term.dim, nParams: term.nParams, f: term.f.bind(term), vjp: term.vjp.bind(term), jac: term.jac?.bind(term) };
}

/**
 * A nonlinear, non-autonomous problem with a closed form and no attracting set (so global
 * errors show the method's order cleanly): a rotation whose frequency depends on the
 * amplitude, plus a forced scalar. θ = [a, b, λ]:
 * x' = −w y, y' = w x with w = a + b (x² + y²); z' = λ z cos t.
 * r is conserved, so φ(t) = φ₀ + (a + b r₀²) t, and z(t) = z₀ exp(λ sin t).
 */
export const rotor: Term = {
  dim: 3,
  nParams: 3,
  f(t, y, th, dy) {
    const w = th[0] + th[1] * (y[0] * y[0] + y[1] * y[1]);
    dy[0] = -w * y[1];
    dy[1] = w * y[0];
    dy[2] = th[2] * y[2] * Math.cos(t);
  },
  vjp(t, y, th, v, dyOut, dTheta) {
    const [x, yy, z] = [y[0], y[1], y[2]];
    const r2 = x * x + yy * yy;
    const w = th[0] + th[1] * r2;
    const b2 = 2 * th[1];
    dyOut[0] += v[0] * (-b2 * x * yy) + v[1] * (w + b2 * x * x);
    dyOut[1] += v[0] * (-w - b2 * yy * yy) + v[1] * (b2 * x * yy);
    dyOut[2] += v[2] * th[2] * Math.cos(t);
    const g = -v[0] * yy + v[1] * x;
    dTheta[0] += g;
    dTheta[1] += g * r2;
    dTheta[2] += v[2] * z * Math.cos(t);
  },
  jac(t, y, th, J) {
    const [x, yy] = [y[0], y[1]];
    const w = th[0] + th[1] * (x * x + yy * yy);
    const b2 = 2 * th[1];
    J.set([-b2 * x * yy, -w - b2 * yy * yy, 0, w + b2 * x * x, b2 * x * yy, 0, 0, 0, th[2] * Math.cos(t)]);
  },
};

export function rotorExact(th: Float64Array, y0: Float64Array, t: number): Float64Array {
  const r2 = y0[0] * y0[0] + y0[1] * y0[1];
  const r = Math.sqrt(r2);
  const phi = Math.atan2(y0[1], y0[0]) + (th[0] + th[1] * r2) * t;
  return Float64Array.of(r * Math.cos(phi), r * Math.sin(phi), y0[2] * Math.exp(th[2] * Math.sin(t)));
}
