/**
 * The WebAssembly SIMD kernels (gemm.as and lstm-cell.as, compiled by build.mjs into
 * kernels.wasm.ts); the GEMMs have the same signatures as the TypeScript ones in ../gemm.ts. Operands must live in the
 * instance's own linear memory, so a `WasmHeap` hands out Float64Array views of it: each
 * heap gets a fixed-size memory that never grows (growing would detach the views).
 */
import { KERNELS_WASM_BASE64 } from './kernels.wasm.js';

interface GemmExports {
  gemmNT(M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, acc: number): void;
  gemmTN(M: number, N: number, R: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void;
  lstmCellForward(B: number, H: number, I: number, z: number, x: number, xStride: number, bias: number, wxT: number, cPrev: number, c: number, tc: number, h: number): void;
  lstmCellBackward(B: number, H: number, I: number, gates: number, tc: number, cPrev: number, dh: number, dc: number, dz: number, x: number, xStride: number, db: number, dWxT: number): void;
}

// The project compiles against lib ES2022 without DOM, whose typings lack the WebAssembly
// JS API; this is the slice used here (present in every browser and in Node).
interface WasmModule { readonly __brand: 'WebAssembly.Module' }
interface WasmMemory { readonly buffer: ArrayBuffer }
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
};

let compiled: WasmModule | null | undefined;

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The compiled module, or null where WebAssembly SIMD is unavailable (then callers fall back to TypeScript). */
function gemmModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      const bytes = decodeBase64(KERNELS_WASM_BASE64);
      // Synchronous compilation: fine in Node and Web Workers (browsers cap it at 4 KB on the main thread).
      compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * Compiles the kernels asynchronously. Only needed on a browser's main thread, where
 * synchronous compilation of modules over 4 KB is refused (the kernels are ~10 KB): call it
 * once before building workspaces there. Node and Web Workers compile on first use anyway.
 * Resolves to whether the SIMD kernels are available.
 */
export async function loadWasmKernels(): Promise<boolean> {
  if (compiled) return true;
  try {
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? await WebAssembly.compile(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled !== null;
}

/** Whether the SIMD kernels can run here. */
export function wasmSimdAvailable(): boolean {
  return gemmModule() !== null;
}

/** A fixed-size wasm memory with a bump allocator and the SIMD GEMMs over it. */
export class WasmHeap {
  private readonly memory: WasmMemory;
  private readonly exp: GemmExports;
  private next = 0;
  readonly bytes: number;

  /** @param doubles total number of float64 entries the heap must hold (each allocation rounds up to 16 bytes). */
  constructor(doubles: number) {
    const mod = gemmModule();
    if (!mod) throw new Error('WebAssembly SIMD is not available');
    const pages = Math.max(1, Math.ceil((doubles * 8 + 4096) / 65536));
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.bytes = pages * 65536;
    this.exp = new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports as unknown as GemmExports;
  }

  /** A zeroed Float64Array of n entries inside the heap (16-byte aligned). */
  alloc(n: number): Float64Array {
    const at = this.next;
    this.next = at + Math.ceil((n * 8) / 16) * 16;
    if (this.next > this.bytes) throw new Error(`WasmHeap: out of memory (${this.next} > ${this.bytes} bytes)`);
    return new Float64Array(this.memory.buffer, at, n);
  }

  /** Same contract as `gemmNT` in ../gemm.ts; a, b, c must be views from this heap. */
  gemmNT(M: number, N: number, K: number, a: Float64Array, aOff: number, lda: number, b: Float64Array, bOff: number, ldb: number, c: Float64Array, cOff: number, ldc: number, accumulate: boolean): void {
    this.exp.gemmNT(M, N, K, a.byteOffset + 8 * aOff, lda, b.byteOffset + 8 * bOff, ldb, c.byteOffset + 8 * cOff, ldc, accumulate ? 1 : 0);
  }

  /**
   * The elementwise LSTM cell step of ../lstm.ts for B rows (see lstm-cell.as); every array
   * is a view from this heap, offsets in elements, x rows `xStride` elements apart.
   */
  lstmCellForward(
    B: number, H: number, I: number, z: Float64Array, zOff: number, x: Float64Array, xOff: number, xStride: number,
    bias: Float64Array, wxT: Float64Array, c: Float64Array, cPrevOff: number, cOff: number, tc: Float64Array, tcOff: number, h: Float64Array, hOff: number,
  ): void {
    this.exp.lstmCellForward(B, H, I, z.byteOffset + 8 * zOff, x.byteOffset + 8 * xOff, xStride, bias.byteOffset, wxT.byteOffset,
      c.byteOffset + 8 * cPrevOff, c.byteOffset + 8 * cOff, tc.byteOffset + 8 * tcOff, h.byteOffset + 8 * hOff);
  }

  /**
   * The elementwise LSTM cell backward step of ../lstm.ts for B rows (see lstm-cell.as):
   * writes dz, updates dc in place, accumulates db and dWxT. Views from this heap.
   */
  lstmCellBackward(
    B: number, H: number, I: number, gates: Float64Array, gatesOff: number, tc: Float64Array, tcOff: number, c: Float64Array, cPrevOff: number,
    dh: Float64Array, dc: Float64Array, dz: Float64Array, x: Float64Array, xOff: number, xStride: number, db: Float64Array, dWxT: Float64Array,
  ): void {
    this.exp.lstmCellBackward(B, H, I, gates.byteOffset + 8 * gatesOff, tc.byteOffset + 8 * tcOff, c.byteOffset + 8 * cPrevOff,
      dh.byteOffset, dc.byteOffset, dz.byteOffset, x.byteOffset + 8 * xOff, xStride, db.byteOffset, dWxT.byteOffset);
  }

  /** Same contract as `gemmTN` in ../gemm.ts; a, b, c must be views from this heap. */
  gemmTN(M: number, N: number, R: number, a: Float64Array, aOff: number, lda: number, b: Float64Array, bOff: number, ldb: number, c: Float64Array, cOff: number, ldc: number): void {
    this.exp.gemmTN(M, N, R, a.byteOffset + 8 * aOff, lda, b.byteOffset + 8 * bOff, ldb, c.byteOffset + 8 * cOff, ldc);
  }
}
