/**
 * The Jacobian ∂f/∂y assembled row by row from the vjp: row i is e_iᵀ ∂f/∂y. Used by the
 * systems whose Jacobian is long to write out (double pendulum, two bodies), so the one
 * hand-derived derivative (the vjp) is the only one to trust, and both are checked
 * against finite differences in the tests.
 */
import type { Term } from '../ode/term.js';

/** A `jac` function for `term`, with its workspaces allocated once. */
export function jacobianFromVjp(term: Pick<Term, 'dim' | 'nParams' | 'vjp'>): NonNullable<Term['jac']> {
  const n = term.dim;
  const e = new Float64Array(n);
  const row = new Float64Array(n);
  const dTheta = new Float64Array(term.nParams);
  return (t, y, theta, J) => {
    for (let i = 0; i < n; i++) {
      e.fill(0);
      e[i] = 1;
      row.fill(0);
      term.vjp(t, y, theta, e, row, dTheta);
      J.set(row, i * n);
    }
  };
}
