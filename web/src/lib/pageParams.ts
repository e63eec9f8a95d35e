/**
 * Typed dashboard parameters in the page state: a codec turns a dashboard's value (a step, a mode, a run)
 * into the raw string kept in `PageState.extra` under `<kind>.<name>` and back. A value equal to its
 * default is left out of the URL, and a malformed one (a link edited by hand) reads as the default.
 * `usePageParam` in `app/store.ts` is the hook dashboards call; this module is the pure part.
 */
import { extraKey } from './urlState';

export interface ParamCodec<T> {
  /** The value of a raw URL string, or undefined when it is not one (the default is used). */
  parse(raw: string): T | undefined;
  format(value: T): string;
}

export const stringParam: ParamCodec<string> = {
  parse: (raw) => raw,
  format: (v) => v,
};

/** Integers (steps, indices). */
export const intParam: ParamCodec<number> = {
  parse: (raw) => (/^-?\d+$/.test(raw.trim()) && Number.isSafeInteger(Number(raw)) ? Number(raw) : undefined),
  format: (v) => String(Math.round(v)),
};

/** Finite numbers. */
export const numberParam: ParamCodec<number> = {
  parse: (raw) => (raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined),
  format: (v) => String(v),
};

/** Booleans as `1` / `0`. */
export const boolParam: ParamCodec<boolean> = {
  parse: (raw) => (raw === '1' ? true : raw === '0' ? false : undefined),
  format: (v) => (v ? '1' : '0'),
};

/** One of a fixed set of strings: `enumParam(['overlay', 'offset'] as const)`. */
export function enumParam<T extends string>(values: readonly T[]): ParamCodec<T> {
  return {
    parse: (raw) => (values as readonly string[]).includes(raw) ? (raw as T) : undefined,
    format: (v) => v,
  };
}

/** A codec whose value may be null ("none", "latest"), written as an empty string. */
export function nullable<T>(codec: ParamCodec<T>): ParamCodec<T | null> {
  return {
    parse: (raw) => (raw === '' ? null : codec.parse(raw)),
    format: (v) => (v === null ? '' : codec.format(v)),
  };
}

/**
 * A list of strings, comma-separated (a comma or percent sign inside an item is escaped as in URLs); the
 * empty list is the empty string.
 */
export const listParam: ParamCodec<string[]> = {
  parse: (raw) => {
    if (raw === '') return [];
    try {
      return raw.split(',').map((item) => decodeURIComponent(item));
    } catch {
      return undefined; // a malformed escape: the default
    }
  },
  format: (v) => v.map((item) => item.replace(/%/g, '%25').replace(/,/g, '%2C')).join(','),
};

/** The codec for a default value's type, when the caller gives none. */
export function codecFor(def: unknown): ParamCodec<unknown> {
  if (typeof def === 'number') return numberParam as ParamCodec<unknown>;
  if (typeof def === 'boolean') return boolParam as ParamCodec<unknown>;
  if (typeof def === 'string') return stringParam as ParamCodec<unknown>;
  throw new Error('usePageParam: give a codec for a default that is not a string, number or boolean');
}

/** A dashboard parameter's value in `extra`, or its default. */
export function readParam<T>(
  extra: Readonly<Record<string, string>>,
  kind: string,
  name: string,
  def: T,
  codec: ParamCodec<T>,
): T {
  const key = extraKey(kind, name);
  if (!Object.hasOwn(extra, key)) return def;
  const v = codec.parse(extra[key]!);
  return v === undefined ? def : v;
}

/** `extra` with a parameter set (a new object); the default removes it, to keep links short. */
export function writeParam<T>(
  extra: Readonly<Record<string, string>>,
  kind: string,
  name: string,
  value: T,
  def: T,
  codec: ParamCodec<T>,
): Record<string, string> {
  const key = extraKey(kind, name);
  const out = { ...extra };
  const raw = codec.format(value);
  if (raw === codec.format(def)) delete out[key];
  else out[key] = raw;
  return out;
}
