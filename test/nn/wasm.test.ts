import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { gemmNT, gemmTN } from '../../src/nn/gemm.js';
import { LstmWorkspace, initLstm, lstmLayout, lstmLossAndGrad } from '../../src/nn/lstm.js';
import { WasmHeap, loadWasmKernels, wasmSimdAvailable } from '../../src/nn/wasm/heap.js';

function relDiff(a: Float64Array | Float32Array, b: Float64Array | Float32Array): number {
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

  it('the float32 GEMMs (f32x4) agree with the float64 TypeScript kernels to float32 accuracy, remainders included', () => {
    const rng = new Rng(5);
    // Shapes cover K and N below, at and off multiples of 4 and 16 (the SIMD blocks).
    for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [2, 16, 4], [5, 17, 3], [64, 256, 64], [7, 33, 18]]) {
      const heap = new WasmHeap(4 * (M * K + N * K + M * N + K * Math.max(M, N)) + 64, 'float32');
      const a = heap.alloc(M * K + 1), b = heap.alloc(N * K + 2);
      a.set(rng.fillNormal(new Float64Array(a.length)));
      b.set(rng.fillNormal(new Float64Array(b.length)));
      // The reference reads the same (float32-rounded) operands in float64.
      const a64 = Float64Array.from(a), b64 = Float64Array.from(b);
      for (const acc of [false, true]) {
        const c = heap.alloc(M * N);
        c.set(rng.fillNormal(new Float64Array(M * N)));
        const ref = Float64Array.from(c);
        heap.gemmNT(M, N, K, a, 1, K, b, 2, K, c, 0, N, acc);
        gemmNT(M, N, K, a64, 1, K, b64, 2, K, ref, 0, N, acc);
        expect(relDiff(Float64Array.from(c), ref)).toBeLessThan(2e-6);
      }
      const c = heap.alloc(M * N);
      c.set(rng.fillNormal(new Float64Array(M * N)));
      const ref = Float64Array.from(c);
      heap.gemmTN(M, N, K, a, 1, M, b, 2, N, c, 0, N);
      gemmTN(M, N, K, a64, 1, M, b64, 2, N, ref, 0, N);
      expect(relDiff(Float64Array.from(c), ref)).toBeLessThan(2e-6);
    }
  });

  it('the float32 LSTM loss and gradient agree with the float64 ones block by block, to float32 accuracy', () => {
    // The float64 backward is checked against central differences in lstm.test.ts; here the
    // float32 one against it. A wrong term in the float32 backward moves a block by O(1)
    // of its size; float32 rounding through 20 steps moves it by ~1e-6.
    const worst: Record<string, number> = {};
    for (const [shape, B, T] of [[{ input: 1, hidden: 64, output: 1 }, 8, 20], [{ input: 3, hidden: 5, output: 2 }, 3, 7], [{ input: 2, hidden: 6, output: 1 }, 5, 9]] as const) {
      const rng = new Rng(12);
      const { layout, size } = lstmLayout(shape);
      const theta = new Float64Array(size);
      initLstm(shape, theta, rng);
      for (let k = 0; k < size; k++) theta[k] += rng.normal(0, 0.3);
      const x = rng.fillNormal(new Float64Array(B * T * shape.input));
      const y = rng.fillNormal(new Float64Array(B * T * shape.output));
      const ws64 = new LstmWorkspace(shape, B, T, 2, 'wasm', 'float64');
      const ws32 = new LstmWorkspace(shape, B, T, 2, 'wasm', 'float32');
      expect([ws64.precision, ws32.precision]).toEqual(['float64', 'float32']);
      const g64 = new Float64Array(size), g32 = new Float64Array(size);
      const l64 = lstmLossAndGrad(theta, x, y, ws64, g64);
      const l32 = lstmLossAndGrad(theta, x, y, ws32, g32);
      expect(Math.abs(l32 - l64) / l64).toBeLessThan(1e-5);
      expect(relDiff(ws32.pred, ws64.pred)).toBeLessThan(1e-5);
      for (const blk of layout) {
        const n = blk.shape.reduce((p, q) => p * q, 1);
        const e = relDiff(g32.subarray(blk.offset, blk.offset + n), g64.subarray(blk.offset, blk.offset + n));
        worst[`${shape.input}/${shape.hidden}/${shape.output} ${blk.name}`] = Number(e.toExponential(2));
        expect(e, `block ${blk.name}`).toBeLessThan(1e-4);
      }
    }
    console.log('float32 vs float64 gradient, max relative error per block:', JSON.stringify(worst));
  });

  it("precision 'float32' falls back to float64 on the TypeScript backend", () => {
    const ws = new LstmWorkspace({ input: 1, hidden: 4, output: 1 }, 2, 5, 0, 'js', 'float32');
    expect([ws.backend, ws.precision]).toEqual(['js', 'float64']);
    expect(ws.gates).toBeInstanceOf(Float64Array);
  });

  it('the committed gemm.wasm.ts is what gemm.as compiles to', () => {
    const r = spawnSync(process.execPath, ['src/nn/wasm/build.mjs', '--check'], { encoding: 'utf8' });
    expect(r.stderr + r.stdout).toMatch(/up to date/);
    expect(r.status).toBe(0);
  }, 30_000);
});
