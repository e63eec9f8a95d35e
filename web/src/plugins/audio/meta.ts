/**
 * What an audio card says about a clip, as people read it: "8 kHz · mono · 0.5 s · 4 000 frames". Values the
 * server does not know (null: no WAV header and nothing declared) are left out rather than guessed.
 */
import type { AudioItem } from '../../lib/api';
import { formatBytes, formatStep } from '../../lib/format';

/** A sample rate: 8 kHz, 44.1 kHz, 22 050 Hz is 22.05 kHz, 500 Hz. */
export function formatRate(hz: number): string {
  if (!Number.isFinite(hz) || hz <= 0) return '';
  if (hz < 1000) return `${trim(hz)} Hz`;
  return `${trim(hz / 1000)} kHz`;
}

/** A clip's duration: 0.5 s, 12.35 s, 2:05.0 for two minutes and more. */
export function formatClipDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 120) return `${trim(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s < 10 ? '0' : ''}${s.toFixed(1)}`;
}

export function formatChannels(n: number): string {
  if (n === 1) return 'mono';
  if (n === 2) return 'stereo';
  return `${n} channels`;
}

/** The parts of a clip's description, in order; unknown values left out. */
export function clipFacts(item: AudioItem): string[] {
  const out: string[] = [];
  if (item.sample_rate != null) out.push(formatRate(item.sample_rate));
  if (item.num_channels != null) out.push(formatChannels(item.num_channels));
  if (item.duration != null) out.push(formatClipDuration(item.duration));
  if (item.length_frames != null) out.push(`${formatStep(item.length_frames)} frames`);
  return out.filter((s) => s !== '');
}

/** The file's format and size: "WAV, 8.04 kB". */
export function clipFile(item: AudioItem): string {
  return `${item.format.toUpperCase()}, ${formatBytes(item.length)}`;
}

/**
 * A clip's Markdown label as plain text to show in a text node (never as HTML): surrounding blank space
 * trimmed, runs of blank lines collapsed. Markdown marks stay as written.
 */
export function labelText(label: string): string {
  return label.replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

function trim(x: number): string {
  return String(Math.round(x * 100) / 100);
}
