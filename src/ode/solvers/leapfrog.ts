import { splittingSolver } from './splitting.js';

/**
 * Leapfrog as velocity Verlet (Verlet 1967; Hairer, Lubich & Wanner 2003, "Geometric
 * numerical integration illustrated by the Störmer–Verlet method", Acta Numerica):
 * half kick, drift, half kick. Order 2, symplectic, time-reversible, one force per step.
 */
export const leapfrog = splittingSolver({
  name: 'leapfrog',
  description: 'velocity Verlet (leapfrog), order 2, symplectic, fixed step; needs a split term',
  order: 2,
  kicks: [1 / 2, 1 / 2],
  drifts: [1],
});
