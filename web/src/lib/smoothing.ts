/**
 * Scalar smoothing: the debiased exponential moving average TensorBoard applies to its scalar charts,
 * so a curve smoothed here looks the same as in TensorBoard at the same slider value.
 *
 *   last     = last * w + (1 - w) * value          (for each finite value, in order)
 *   smoothed = last / (1 - w ** n)                  (n = finite values seen so far)
 *
 * The division removes the bias toward the initial 0 of the accumulator. Non-finite values (NaN, ±Inf)
 * are passed through unchanged and are not counted, so one NaN does not poison every later point.
 * A constant series is returned as is (the arithmetic above would add rounding noise to it).
 */

/** Largest smoothing weight the slider offers; 1 would freeze the curve at its first value. */
export const MAX_SMOOTHING = 0.999;

export function smooth(values: ArrayLike<number>, weight: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const w = Math.min(Math.max(weight, 0), MAX_SMOOTHING);
  if (w === 0 || isConstant(values)) {
    for (let i = 0; i < n; i++) out[i] = values[i]!;
    return out;
  }
  let last = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    count++;
    out[i] = last / (1 - Math.pow(w, count));
  }
  return out;
}

function isConstant(values: ArrayLike<number>): boolean {
  if (values.length === 0) return true;
  const first = values[0]!;
  for (let i = 1; i < values.length; i++) {
    // NaN !== NaN, so a series holding a NaN is never "constant"; that is what we want.
    if (values[i] !== first) return false;
  }
  return true;
}
