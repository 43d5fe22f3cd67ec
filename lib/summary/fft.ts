const twiddles = new Map<number, { cos: Float64Array; sin: Float64Array }>();

/** cos and -sin of 2πk/n for k < n/2, kept per size. */
function twiddlesFor(n: number) {
  let table = twiddles.get(n);
  if (!table) {
    const half = n >> 1;
    table = { cos: new Float64Array(half), sin: new Float64Array(half) };
    for (let k = 0; k < half; k++) {
      table.cos[k] = Math.cos((2 * Math.PI * k) / n);
      table.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    twiddles.set(n, table);
  }
  return table;
}

/** In-place radix-2 FFT of the complex signal (re, im); the length must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0) throw new Error(`fft: length ${n} is not a power of two`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const r = re[i];
      re[i] = re[j];
      re[j] = r;
      const m = im[i];
      im[i] = im[j];
      im[j] = m;
    }
  }
  const { cos, sin } = twiddlesFor(n);
  for (let size = 2; size <= n; size <<= 1) {
    const span = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < span; k++) {
        const wr = cos[k * step];
        const wi = sin[k * step];
        const a = start + k;
        const b = a + span;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/**
 * |X[k]|² for k < n/2 of a real signal x of length n (a power of two), through one complex FFT of
 * half the length (even samples as the real part, odd ones as the imaginary part).
 */
export function realPowerSpectrum(x: Float64Array): Float64Array {
  const n = x.length;
  const m = n >> 1;
  const re = new Float64Array(m);
  const im = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    re[j] = x[2 * j];
    im[j] = x[2 * j + 1];
  }
  fft(re, im);
  const { cos, sin } = twiddlesFor(n);
  const power = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const a = re[k];
    const b = im[k];
    const c = re[(m - k) % m];
    const d = im[(m - k) % m];
    const er = (a + c) / 2;
    const ei = (b - d) / 2;
    const or = (b + d) / 2;
    const oi = -(a - c) / 2;
    const xr = er + or * cos[k] - oi * sin[k];
    const xi = ei + oi * cos[k] + or * sin[k];
    power[k] = xr * xr + xi * xi;
  }
  return power;
}
