/**
 * Hamiltonian neural network (Greydanus, Dzamba & Yosinski 2019): an MLP H(q, p) trained so
 * that its symplectic gradient (∂H/∂p, −∂H/∂q) matches the observed derivatives; the
 * learned flow conserves the learned H by construction. The shared machinery of the neural
 * vector fields lives in vector-field/.
 */
import { hamiltonianNet, separableHamiltonianNet } from './vector-field/nets.js';
import { vectorFieldFamily } from './vector-field/family.js';
import type { VectorFieldKind } from './vector-field/fit.js';

export const hnnKind: VectorFieldKind = {
  family: 'hnn',
  net: (n, c) => (c.separable ? separableHamiltonianNet : hamiltonianNet)(n, c.hidden, c.activation),
  rolloutNote: 'the learned H(q, p) is not separable, so no symplectic splitting applies',
};

export const hnnFamily = vectorFieldFamily(
  hnnKind,
  'Hamiltonian neural network: an MLP H(q, p) whose symplectic gradient is the vector field, so the learned energy is conserved (separable: true for H = T(p) + V(q) and symplectic rollouts); channels are (q, p) or positions with p = dq/dt.',
);
