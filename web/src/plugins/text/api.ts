/** The text route with each step as the server's sanitised HTML (`format=html`), beside the raw text. */
import { type TextResponse, getJson } from '../../lib/api';

export interface TextHtmlResponse extends TextResponse {
  /** Per step, sanitised HTML: the only HTML the dashboard puts into the page. */
  html: string[];
}

export function fetchTextHtml(opts: { run: string; tag: string }, signal?: AbortSignal): Promise<TextHtmlResponse> {
  const q = new URLSearchParams({ run: opts.run, tag: opts.tag, format: 'html' });
  return getJson<TextHtmlResponse>(`api/text?${q.toString()}`, signal);
}

/** The raw text of every step (a download). */
export function textUrl(run: string, tag: string): string {
  return `api/text?${new URLSearchParams({ run, tag }).toString()}`;
}
