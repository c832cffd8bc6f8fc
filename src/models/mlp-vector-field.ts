/**
 * The baseline of the Hamiltonian and Lagrangian network papers: the same MLP predicting the
 * derivatives (q', p') directly, with nothing that makes it conserve energy.
 */
import { ConfigError } from '../core/errors.js';
import { directNet } from './vector-field/nets.js';
import { vectorFieldFamily } from './vector-field/family.js';
import type { VectorFieldKind } from './vector-field/fit.js';

export const mlpVectorFieldKind: VectorFieldKind = {
  family: 'mlp-vector-field',
  net(n, c) {
    if (c.separable) throw new ConfigError('applies to hnn only: a field predicted directly has no Hamiltonian to separate', 'separable');
    return directNet(n, c.hidden, c.activation);
  },
};

export const mlpVectorFieldFamily = vectorFieldFamily(
  mlpVectorFieldKind,
  'Neural vector field: an MLP predicting (q\', p\') directly from (q, p), the baseline against which Hamiltonian networks are measured.',
);
