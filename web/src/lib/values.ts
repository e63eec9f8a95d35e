/**
 * Scalar values as the API sends them: JSON numbers, or the strings "NaN", "Infinity", "-Infinity"
 * for the values JSON cannot carry.
 */

export type WireValue = number | 'NaN' | 'Infinity' | '-Infinity' | string;

export function parseValue(v: WireValue | null): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity' || v === '+Infinity' || v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity' || v === '-inf') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

export function parseValues(vs: readonly (WireValue | null)[]): Float64Array {
  const out = new Float64Array(vs.length);
  for (let i = 0; i < vs.length; i++) out[i] = parseValue(vs[i]!);
  return out;
}

/** Counts of non-finite values, for the note under a chart. */
export interface NonFiniteCounts {
  nan: number;
  posInf: number;
  negInf: number;
}

export function countNonFinite(values: ArrayLike<number>): NonFiniteCounts {
  const c = { nan: 0, posInf: 0, negInf: 0 };
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) c.nan++;
    else if (v === Number.POSITIVE_INFINITY) c.posInf++;
    else if (v === Number.NEGATIVE_INFINITY) c.negInf++;
  }
  return c;
}

/** Rows of wire values (a histogram's counts per step, a PR curve column per step) as numbers. */
export function parseRows(rows: readonly (readonly (WireValue | null)[])[]): Float64Array[] {
  return rows.map((r) => parseValues(r));
}
