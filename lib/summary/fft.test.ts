import { describe, expect, it } from "vitest";
import { fft, realPowerSpectrum } from "./fft";

function naivePower(x: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n >> 1);
  for (let k = 0; k < out.length; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      re += x[j] * Math.cos((2 * Math.PI * k * j) / n);
      im -= x[j] * Math.sin((2 * Math.PI * k * j) / n);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

describe("fft", () => {
  it("puts a complex exponential at bin 5 into bin 5 alone", () => {
    const n = 64;
    const re = Float64Array.from({ length: n }, (_, j) => Math.cos((2 * Math.PI * 5 * j) / n));
    const im = Float64Array.from({ length: n }, (_, j) => Math.sin((2 * Math.PI * 5 * j) / n));
    fft(re, im);
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(k === 5 ? n : 0, 9);
      expect(im[k]).toBeCloseTo(0, 9);
    }
  });

  it("refuses a length that is not a power of two", () => {
    expect(() => fft(new Float64Array(12), new Float64Array(12))).toThrow(/not a power of two/);
  });

  it("gives a real signal's power spectrum equal to a direct DFT", () => {
    let seed = 7;
    const x = Float64Array.from(
      { length: 256 },
      () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5,
    );
    const fast = realPowerSpectrum(x);
    const slow = naivePower(x);
    for (let k = 0; k < slow.length; k++) expect(fast[k]).toBeCloseTo(slow[k], 6);
  });
});
