import { splittingSolver } from './splitting.js';

const cbrt2 = Math.cbrt(2);
/** Yoshida's triple-jump weights: w₁ + w₀ + w₁ = 1 and 2w₁³ + w₀³ = 0. */
const w1 = 1 / (2 - cbrt2);
const w0 = -cbrt2 / (2 - cbrt2);

/**
 * Yoshida's 4th-order symplectic composition (H. Yoshida 1990, "Construction of higher
 * order symplectic integrators", Phys. Lett. A 150): velocity Verlet with steps w₁h, w₀h,
 * w₁h, merged into one kick–drift sequence. Order 4, symplectic, three forces per step.
 */
export const yoshida4 = splittingSolver({
  name: 'yoshida4',
  description: 'Yoshida (1990) 4th-order symplectic composition of leapfrog, fixed step; needs a split term',
  order: 4,
  kicks: [w1 / 2, (w1 + w0) / 2, (w0 + w1) / 2, w1 / 2],
  drifts: [w1, w0, w1],
});
