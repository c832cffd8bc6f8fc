/**
 * The periodogram of a uniformly sampled signal and its peaks: what the Fourier baseline
 * fits at, and how ESPRIT guesses the highest frequency worth resolving.
 */

/** In-place iterative radix-2 complex FFT (Cooley & Tukey 1965); `re.length` must be a power of two. */
export function fftInPlace(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/** A one-sided periodogram on a uniform grid of angular frequencies. */
export interface Periodogram {
  /** Angular frequencies, rad/s, from 0 to the Nyquist frequency π/dt. */
  omega: Float64Array;
  /** |DFT|² of the mean-removed signal, summed over channels. */
  power: Float64Array;
}

/**
 * Periodogram of the mean-removed channels (rectangular window), zero-padded by `pad`
 * (default 8) so that peaks can be located finer than the resolution 2π/T.
 */
export function periodogram(channels: Float64Array[], dt: number, pad = 8): Periodogram {
  const n = channels[0].length;
  let nfft = 1;
  while (nfft < n * pad) nfft <<= 1;
  const half = nfft / 2 + 1;
  const power = new Float64Array(half);
  const re = new Float64Array(nfft);
  const im = new Float64Array(nfft);
  for (const y of channels) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i];
    mean /= n;
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < n; i++) re[i] = y[i] - mean;
    fftInPlace(re, im);
    for (let k = 0; k < half; k++) power[k] += re[k] * re[k] + im[k] * im[k];
  }
  const omega = new Float64Array(half);
  for (let k = 0; k < half; k++) omega[k] = (2 * Math.PI * k) / (nfft * dt);
  return { omega, power };
}

/**
 * The `count` highest local maxima of a periodogram above `minOmega`, strongest first,
 * each located by a parabola through the three bins around it.
 */
export function periodogramPeaks(p: Periodogram, count: number, minOmega = 0): { omega: number; power: number }[] {
  const { omega, power } = p;
  const peaks: { omega: number; power: number }[] = [];
  const dw = omega[1] - omega[0];
  for (let k = 1; k < power.length - 1; k++) {
    if (omega[k] <= minOmega || !(power[k] > power[k - 1] && power[k] >= power[k + 1])) continue;
    const a = power[k - 1];
    const b = power[k];
    const c = power[k + 1];
    const den = a - 2 * b + c;
    const shift = den !== 0 ? (0.5 * (a - c)) / den : 0;
    peaks.push({ omega: omega[k] + shift * dw, power: b });
  }
  peaks.sort((x, y) => y.power - x.power);
  return peaks.slice(0, count);
}

/**
 * Highest frequency (rad/s) at which the periodogram still reaches `fraction` of its peak:
 * a conservative guess of the fastest mode worth resolving.
 */
export function highestSignificantFrequency(p: Periodogram, fraction = 1e-2): number {
  let peak = 0;
  for (let k = 1; k < p.power.length; k++) peak = Math.max(peak, p.power[k]);
  for (let k = p.power.length - 1; k > 0; k--) if (p.power[k] >= fraction * peak) return p.omega[k];
  return p.omega[1];
}

