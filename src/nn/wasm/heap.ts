/**
 * The WebAssembly SIMD kernels (gemm.as, lstm-cell.as and gru-cell.as, the float32 twins gemm32.as and
 * lstm-cell32.as, compiled by build.mjs into
 * kernels.wasm.ts); the GEMMs have the same signatures as the TypeScript ones in ../gemm.ts. Operands must live in the
 * instance's own linear memory, so a `WasmHeap` hands out typed-array views of it (float64 or
 * float32, the heap's precision, which also picks the kernels): each
 * heap gets a fixed-size memory that never grows (growing would detach the views).
 */
import type { Floats } from '../gemm.js';
import { KERNELS_WASM_BASE64 } from './kernels.wasm.js';

interface GemmExports {
  gemmNT(M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, acc: number): void;
  gemmTN(M: number, N: number, R: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number): void;
  lstmCellForward(B: number, H: number, I: number, z: number, x: number, xStride: number, bias: number, wxT: number, cPrev: number, c: number, tc: number, h: number): void;
  lstmCellBackward(B: number, H: number, I: number, gates: number, tc: number, cPrev: number, dh: number, dc: number, dz: number, x: number, xStride: number, db: number, dWxT: number): void;
}

/** The GRU cell's elementwise steps (gru-cell.as), float64 only. */
interface GruExports {
  gruCellForward(B: number, H: number, a: number, g: number, bx: number, bh: number, hPrev: number, h: number, gates: number): void;
  gruCellBackward(B: number, H: number, gates: number, hPrev: number, dh: number, dg: number, da: number, dhPrev: number, gbx: number, gbh: number): void;
}

/** The module's exports: the float64 kernels under their own names, the float32 twins with a `32` suffix. */
type KernelExports = GemmExports & GruExports & { [K in keyof GemmExports as `${K}32`]: GemmExports[K] };

/** Element type of a heap: 'float64' runs the f64x2 kernels, 'float32' the f32x4 ones (gemm32.as, lstm-cell32.as). */
export type HeapPrecision = 'float64' | 'float32';


/** The view type of a heap of precision P. */
export type ViewOf<P extends HeapPrecision> = P extends 'float32' ? Float32Array : Float64Array;

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
 * synchronous compilation of modules over 4 KB is refused (the kernels are ~18 KB): call it
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

/** A fixed-size wasm memory with a bump allocator and the SIMD kernels over it, in one precision. */
export class WasmHeap<P extends HeapPrecision = 'float64'> {
  private readonly memory: WasmMemory;
  private readonly exp: GemmExports;
  private readonly gru: GruExports | null;
  private next = 0;
  readonly bytes: number;
  /** Bytes per element: 8 (float64) or 4 (float32). */
  readonly width: 8 | 4;

  /**
   * @param elements total number of entries the heap must hold (each allocation rounds up to 16 bytes)
   * @param precision element type of every view and which kernels run; default 'float64'
   */
  constructor(elements: number, readonly precision: P = 'float64' as P) {
    const mod = gemmModule();
    if (!mod) throw new Error('WebAssembly SIMD is not available');
    this.width = precision === 'float32' ? 4 : 8;
    const pages = Math.max(1, Math.ceil((elements * this.width + 4096) / 65536));
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.bytes = pages * 65536;
    const all = new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    this.exp = precision === 'float32'
      ? { gemmNT: all.gemmNT32, gemmTN: all.gemmTN32, lstmCellForward: all.lstmCellForward32, lstmCellBackward: all.lstmCellBackward32 }
      : all;
    this.gru = precision === 'float32' ? null : all;
  }

  /** A zeroed view of n entries inside the heap (16-byte aligned), of the heap's precision. */
  alloc(n: number): ViewOf<P> {
    const at = this.next;
    this.next = at + Math.ceil((n * this.width) / 16) * 16;
    if (this.next > this.bytes) throw new Error(`WasmHeap: out of memory (${this.next} > ${this.bytes} bytes)`);
    return (this.width === 4 ? new Float32Array(this.memory.buffer, at, n) : new Float64Array(this.memory.buffer, at, n)) as ViewOf<P>;
  }

  /** Byte address of entry `off` of view `a`. */
  private at(a: Floats, off = 0): number {
    return a.byteOffset + this.width * off;
  }

  /** Same contract as `gemmNT` in ../gemm.ts; a, b, c must be views from this heap. */
  gemmNT(M: number, N: number, K: number, a: Floats, aOff: number, lda: number, b: Floats, bOff: number, ldb: number, c: Floats, cOff: number, ldc: number, accumulate: boolean): void {
    this.exp.gemmNT(M, N, K, this.at(a, aOff), lda, this.at(b, bOff), ldb, this.at(c, cOff), ldc, accumulate ? 1 : 0);
  }

  /**
   * The elementwise LSTM cell step of ../lstm.ts for B rows (see lstm-cell.as); every array
   * is a view from this heap, offsets in elements, x rows `xStride` elements apart.
   */
  lstmCellForward(
    B: number, H: number, I: number, z: Floats, zOff: number, x: Floats, xOff: number, xStride: number,
    bias: Floats, wxT: Floats, c: Floats, cPrevOff: number, cOff: number, tc: Floats, tcOff: number, h: Floats, hOff: number,
  ): void {
    this.exp.lstmCellForward(B, H, I, this.at(z, zOff), this.at(x, xOff), xStride, this.at(bias), this.at(wxT),
      this.at(c, cPrevOff), this.at(c, cOff), this.at(tc, tcOff), this.at(h, hOff));
  }

  /**
   * The elementwise LSTM cell backward step of ../lstm.ts for B rows (see lstm-cell.as):
   * writes dz, updates dc in place, accumulates db and dWxT. Views from this heap.
   */
  lstmCellBackward(
    B: number, H: number, I: number, gates: Floats, gatesOff: number, tc: Floats, tcOff: number, c: Floats, cPrevOff: number,
    dh: Floats, dc: Floats, dz: Floats, x: Floats, xOff: number, xStride: number, db: Floats, dWxT: Floats,
  ): void {
    this.exp.lstmCellBackward(B, H, I, this.at(gates, gatesOff), this.at(tc, tcOff), this.at(c, cPrevOff),
      this.at(dh), this.at(dc), this.at(dz), this.at(x, xOff), xStride, this.at(db), this.at(dWxT));
  }

  /**
   * The GRU cell's elementwise forward step of ../gru.ts for B rows (see gru-cell.as), float64
   * heaps only; every array a view from this heap, offsets in elements.
   */
  gruCellForward(B: number, H: number, a: Floats, g: Floats, bx: Floats, bh: Floats, h: Floats, hPrevOff: number, hOff: number, gates: Floats, gatesOff: number): void {
    this.gruKernels().gruCellForward(B, H, this.at(a), this.at(g), this.at(bx), this.at(bh), this.at(h, hPrevOff), this.at(h, hOff), this.at(gates, gatesOff));
  }

  /** The GRU cell's elementwise backward step (see gru-cell.as): writes dg, da, dhPrev; accumulates gbx, gbh. */
  gruCellBackward(B: number, H: number, gates: Floats, gatesOff: number, h: Floats, hPrevOff: number, dh: Floats, dg: Floats, da: Floats, dhPrev: Floats, gbx: Floats, gbh: Floats): void {
    this.gruKernels().gruCellBackward(B, H, this.at(gates, gatesOff), this.at(h, hPrevOff), this.at(dh), this.at(dg), this.at(da), this.at(dhPrev), this.at(gbx), this.at(gbh));
  }

  private gruKernels(): GruExports {
    if (!this.gru) throw new Error('WasmHeap: the GRU kernels are float64 only');
    return this.gru;
  }

  /** Same contract as `gemmTN` in ../gemm.ts; a, b, c must be views from this heap. */
  gemmTN(M: number, N: number, R: number, a: Floats, aOff: number, lda: number, b: Floats, bOff: number, ldb: number, c: Floats, cOff: number, ldc: number): void {
    this.exp.gemmTN(M, N, R, this.at(a, aOff), lda, this.at(b, bOff), ldb, this.at(c, cOff), ldc);
  }
}
