/** localStorage that never throws (private windows, disabled storage, sandboxed iframes). */

const PREFIX = 'telescope.';

export function load(key: string): string | null {
  try {
    return localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

export function save(key: string, value: string): void {
  try {
    localStorage.setItem(PREFIX + key, value);
  } catch {
    // storage unavailable: the setting lasts for this page only
  }
}
