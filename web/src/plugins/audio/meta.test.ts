import { describe, expect, it } from 'vitest';
import type { AudioItem } from '../../lib/api';
import { clipFacts, clipFile, formatClipDuration, formatRate, labelText } from './meta';

const clip: AudioItem = {
  index: 0,
  content_type: 'audio/wav',
  format: 'wav',
  sample_rate: 8000,
  num_channels: 1,
  length_frames: 4000,
  duration: 0.5,
  label: '',
  length: 8044,
  url: 'api/blobs/1?v=a',
};

describe('clip facts', () => {
  it('describes a WAV clip', () => {
    expect(clipFacts(clip)).toEqual(['8 kHz', 'mono', '0.5 s', '4000 frames']);
    expect(clipFile(clip)).toBe('WAV, 8.04 kB');
  });

  it('leaves out what the server does not know', () => {
    const bare = { ...clip, sample_rate: null, num_channels: null, length_frames: null, duration: null };
    expect(clipFacts(bare)).toEqual([]);
  });

  it('writes rates, channels and durations for people', () => {
    expect(formatRate(44100)).toBe('44.1 kHz');
    expect(formatRate(22050)).toBe('22.05 kHz');
    expect(formatRate(500)).toBe('500 Hz');
    expect(clipFacts({ ...clip, num_channels: 2, length_frames: 441000 })).toContain('stereo');
    expect(clipFacts({ ...clip, length_frames: 441000 })).toContain('441\u202f000 frames');
    expect(formatClipDuration(12.345)).toBe('12.35 s');
    expect(formatClipDuration(125)).toBe('2:05.0');
  });
});

describe('labels', () => {
  it('keeps Markdown and HTML as plain text, trimmed', () => {
    expect(labelText('  **loud** <b>x</b>\r\n\n\n\nnext  ')).toBe('**loud** <b>x</b>\n\nnext');
  });
});
