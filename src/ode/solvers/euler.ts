import { explicitRK } from './rk.js';

/** Forward Euler, y₁ = y₀ + h f(t₀, y₀): order 1, fixed step. Euler 1768. */
export const euler = explicitRK(
  { name: 'euler', description: 'forward Euler, order 1, fixed step', order: 1 },
  { c: [0], a: [[]], b: [1] },
);
