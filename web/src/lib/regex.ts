/** User-typed filters: a case-insensitive regular expression, or an error message when it is not one. */

export type Filter = { ok: true; test: (s: string) => boolean } | { ok: false; error: string };

export function compileFilter(text: string): Filter {
  const t = text.trim();
  if (t === '') return { ok: true, test: () => true };
  try {
    const re = new RegExp(t, 'iu');
    return { ok: true, test: (s) => re.test(s) };
  } catch (e) {
    // "Invalid regular expression: /epoch_(/iu: Unterminated group" → "Unterminated group"
    const msg = e instanceof Error ? e.message.replace(/^Invalid regular expression: (\/.*\/[a-z]*: )?/, '') : String(e);
    return { ok: false, error: msg };
  }
}

/** A regular expression that matches exactly this text. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
