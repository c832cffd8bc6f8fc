import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { gemmNT, gemmTN } from '../../src/nn/gemm.js';
import { LstmWorkspace, initLstm, lstmLayout, lstmLossAndGrad } from '../../src/nn/lstm.js';
import { WasmHeap, loadWasmKernels, wasmSimdAvailable } from '../../src/nn/wasm/heap.js';

function relDiff(a: Float64Array, b: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

describe('WebAssembly SIMD kernels', () => {
  it('are available in Node 20 (else every LSTM silently runs the slower TypeScript path)', async () => {
    expect(wasmSimdAvailable()).toBe(true);
    expect(await loadWasmKernels()).toBe(true);
  });

  it('gemmNT and gemmTN agree with the TypeScript kernels to 1e-12, remainders included', () => {
    const rng = new Rng(4);
    for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [2, 8, 2], [5, 9, 3], [64, 256, 64], [7, 17, 33]]) {
      const heap = new WasmHeap(4 * (M * K + N * K + M * N + K * Math.max(M, N)) + 64);
      const a = rng.fillNormal(heap.alloc(M * K + 1)), b = rng.fillNormal(heap.alloc(N * K + 2));
      for (const acc of [false, true]) {
        const c = rng.fillNormal(heap.alloc(M * N)), ref = Float64Array.from(c);
        heap.gemmNT(M, N, K, a, 1, K, b, 2, K, c, 0, N, acc);
        gemmNT(M, N, K, a, 1, K, b, 2, K, ref, 0, N, acc);
        expect(relDiff(c, ref)).toBeLessThan(1e-12);
      }
      // TN: A is [K×M], B is [K×N] (K plays the role of the summed rows).
      const c = rng.fillNormal(heap.alloc(M * N)), ref = Float64Array.from(c);
      heap.gemmTN(M, N, K, a, 1, M, b, 2, N, c, 0, N);
      gemmTN(M, N, K, a, 1, M, b, 2, N, ref, 0, N);
      expect(relDiff(c, ref)).toBeLessThan(1e-12);
    }
  });

  it('the LSTM loss and gradient agree between the wasm and TypeScript backends to 1e-12', () => {
    for (const [shape, B, T] of [[{ input: 1, hidden: 64, output: 1 }, 8, 20], [{ input: 3, hidden: 5, output: 2 }, 3, 7]] as const) {
      const rng = new Rng(9);
      const { size } = lstmLayout(shape);
      const theta = new Float64Array(size);
      initLstm(shape, theta, rng);
      const x = rng.fillNormal(new Float64Array(B * T * shape.input));
      const y = rng.fillNormal(new Float64Array(B * T * shape.output));
      const wsJs = new LstmWorkspace(shape, B, T, 2, 'js');
      const wsWasm = new LstmWorkspace(shape, B, T, 2, 'wasm');
      expect([wsJs.backend, wsWasm.backend]).toEqual(['js', 'wasm']);
      const gJs = new Float64Array(size), gWasm = new Float64Array(size);
      const lJs = lstmLossAndGrad(theta, x, y, wsJs, gJs);
      const lWasm = lstmLossAndGrad(theta, x, y, wsWasm, gWasm);
      expect(Math.abs(lJs - lWasm) / lJs).toBeLessThan(1e-12);
      expect(relDiff(gWasm, gJs)).toBeLessThan(1e-12);
      expect(relDiff(wsWasm.pred, wsJs.pred)).toBeLessThan(1e-12);
    }
  });

  it('the committed gemm.wasm.ts is what gemm.as compiles to', () => {
    const r = spawnSync(process.execPath, ['src/nn/wasm/build.mjs', '--check'], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toMatch(/up to date/);
    expect(r.status).toBe(0);
  }, 30_000);
});
