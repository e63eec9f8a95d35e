/**
 * The UI's layout rule: a dashboard's folder (`src/plugins/<kind>/`) imports only from its own folder and
 * the shared ones (`app/`, `components/`, `lib/`), never from another dashboard's folder. What two
 * dashboards share lives in a shared folder, so one dashboard can change without breaking another.
 */
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob<string>('../plugins/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true });

/** Every module specifier a source imports or re-exports (static and dynamic). */
export function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"]*?\sfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

/** The dashboard folder a relative import from `file` (a path like `../plugins/<kind>/x.ts`) lands in, if any. */
export function targetKind(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const parts = file.split('/').slice(0, -1);
  for (const p of spec.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.') parts.push(p);
  }
  const at = parts.indexOf('plugins');
  return at >= 0 && parts.length > at + 2 ? parts[at + 1]! : null;
}

function kindOf(file: string): string {
  return file.split('/')[2]!;
}

describe('dashboard folders', () => {
  it('finds the dashboards it checks', () => {
    const kinds = new Set(Object.keys(sources).map(kindOf));
    expect(kinds.has('scalars')).toBe(true);
    expect(kinds.has('images')).toBe(true);
    expect(kinds.size).toBeGreaterThan(3);
  });

  it('reads every kind of import and where it lands', () => {
    const src = "import { a } from '../images/series';\nimport type { B } from './b';\nimport './x.css';\nexport { c } from '../../lib/c';\nconst d = import('../text/d');";
    const file = '../plugins/audio/AudioCard.tsx';
    expect(specifiers(src).map((s) => targetKind(file, s))).toEqual(['images', 'audio', null, 'audio', 'text']);
  });

  it('import only from their own folder and the shared ones', () => {
    const crossing: string[] = [];
    for (const [file, source] of Object.entries(sources)) {
      for (const spec of specifiers(source)) {
        const target = targetKind(file, spec);
        if (target !== null && target !== kindOf(file)) crossing.push(`${file.slice('../'.length)} imports ${spec}`);
      }
    }
    expect(crossing).toEqual([]);
  });
});
