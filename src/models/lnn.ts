/**
 * Lagrangian neural network (Cranmer et al. 2020): an MLP L(q, q̇) whose Euler–Lagrange
 * equations give the accelerations, q̈ = (∂²L/∂q̇²)⁻¹(∇_qL − ∂²L/∂q̇∂q · q̇), trained so that
 * they match the observed ones; the learned flow conserves the energy q̇·∂L/∂q̇ − L, and no
 * canonical momenta are needed. The shared machinery of the neural vector fields lives in
 * vector-field/; the state is (q, q̇): velocities observed, or estimated as dq/dt.
 */
import { ConfigError } from '../core/errors.js';
import { lagrangianNet } from './vector-field/lagrangian-net.js';
import { vectorFieldFamily } from './vector-field/family.js';
import type { VectorFieldKind } from './vector-field/fit.js';

export const lnnKind: VectorFieldKind = {
  family: 'lnn',
  net(n, c) {
    if (c.separable) throw new ConfigError('applies to hnn only: a Lagrangian network has no Hamiltonian to separate', 'separable');
    if (c.hidden.length === 0) throw new ConfigError('must name at least one layer: an affine L has no curvature in q̇, so the Euler–Lagrange equations have no solution', 'hidden');
    return lagrangianNet(n, c.hidden, c.activation);
  },
  // Softplus and two layers of 128, as the paper's code (a step costs about 2.5 times the
  // plain MLP's at equal width); clipping, because H is nearly singular somewhere at initialisation (config.ts).
  defaults: { activation: 'softplus', clipNorm: 1, hidden: [128, 128] },
  rolloutNote: 'the state (q, q̇) is not canonical, so no symplectic splitting applies',
};

export const lnnFamily = vectorFieldFamily(
  lnnKind,
  'Lagrangian neural network: an MLP L(q, q̇) whose Euler–Lagrange equations give the accelerations, so the learned energy is conserved; channels are positions then velocities, or positions only with q̇ = dq/dt ("momenta": "velocity").',
);
