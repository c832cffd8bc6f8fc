import { explicitRK } from './rk.js';

/** The classical Runge–Kutta method (Kutta 1901): order 4, four stages, fixed step. */
export const rk4 = explicitRK(
  { name: 'rk4', description: 'classical Runge–Kutta, order 4, fixed step (Kutta 1901)', order: 4 },
  {
    c: [0, 1 / 2, 1 / 2, 1],
    a: [[], [1 / 2], [0, 1 / 2], [0, 0, 1]],
    b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
  },
);
