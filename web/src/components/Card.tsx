/**
 * The frame every dashboard card shares: an `<article class="card">` with the title (shortened in the
 * middle to fit, the full tag on hover), an optional subtitle, and the actions: the dashboard's own
 * buttons, download (one link, or a menu of several), copy link, enlarge. The card's `tag` is its identity:
 * `data-tag`, the enlarged card in the URL (`card=`), and what a copied link opens. The body and the
 * footer are the caller's. Cards still lazy-load with `useInView` on the ref they pass as `cardRef`.
 */
import type { ComponentChildren, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { shareUrl, useCardEnlarged } from '../app/store';
import type { TagInfo } from '../lib/api';
import { fitMiddle, middleEllipsis, tagTitle } from '../lib/format';
import { Check, Collapse, Download, Expand, LinkIcon } from './Icons';
import { textWidth } from './textWidth';
import { useWidth } from './useInView';

export interface CardDownload {
  /** The menu item's text, or the button's accessible name when it is the only download. */
  label: string;
  href: string;
  /** The saved file's name (default: the server's). */
  filename?: string;
}

/** Data attributes for tests and styling, e.g. `{ 'data-state': 'ready', 'data-step': 40 }`. */
export type DataAttributes = Record<`data-${string}`, string | number | boolean | undefined>;

export interface CardProps {
  /** The card's identity: `data-tag`, the enlarged card (`card=` in the URL), the copied link. */
  tag: string;
  /** Shown in the header (default: the tag). */
  title?: string;
  /** A second line under the title (the tag's description). */
  subtitle?: string;
  /** What the card shows, in the accessible names: "chart" → "Enlarge chart", "Copy link to this chart". */
  noun?: string;
  /** The article's accessible name (default: "<Noun> of <tag>"). */
  label?: string;
  /** The article element, for `useInView`. */
  cardRef?: RefObject<HTMLElement>;
  data?: DataAttributes;
  /** Buttons of the dashboard's own, before the standard actions (use `class="icon-btn"`). */
  actions?: ComponentChildren;
  /** One download is a link; several are a menu behind one button. */
  downloads?: CardDownload[];
  /** The download button's accessible name and tooltip when `downloads` is a menu. */
  downloadLabel?: string;
  downloadTitle?: string;
  /** The copy-link button: true (default) copies a link opening this card enlarged; a function gives the URL. */
  copyLink?: boolean | (() => string);
  /** Whether the card has an enlarge button (default true). */
  enlargeable?: boolean;
  footer?: ComponentChildren;
  children?: ComponentChildren;
}

export function Card(props: CardProps) {
  const { tag } = props;
  const noun = props.noun ?? 'chart';
  const ownRef = useRef<HTMLElement>(null);
  const ref = props.cardRef ?? ownRef;
  const width = useWidth(ref);
  const [enlarged, setEnlarged] = useCardEnlarged(tag);
  const [menu, setMenu] = useState(false);
  const [copied, setCopied] = useState(false);
  const downloads = props.downloads ?? [];
  const title = props.title || tag;

  // Esc closes the menu; clicks elsewhere too.
  useEffect(() => {
    if (!menu) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent && e.key !== 'Escape') return;
      if (e instanceof MouseEvent && ref.current?.querySelector('.menu')?.contains(e.target as Node)) return;
      setMenu(false);
    };
    document.addEventListener('keydown', close, true);
    document.addEventListener('mousedown', close, true);
    return () => {
      document.removeEventListener('keydown', close, true);
      document.removeEventListener('mousedown', close, true);
    };
  }, [menu, ref]);

  // Opened from a link to this card: bring it into view once.
  const scrolled = useRef(false);
  useEffect(() => {
    if (enlarged && !scrolled.current && ref.current) {
      scrolled.current = true;
      ref.current.scrollIntoView({ block: 'start' });
    }
    if (!enlarged) scrolled.current = false;
  }, [enlarged, ref]);

  async function copyLink() {
    const url = typeof props.copyLink === 'function' ? props.copyLink() : shareUrl({ card: tag });
    await copyText(url);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  }

  const capNoun = noun.charAt(0).toUpperCase() + noun.slice(1);
  const only = downloads.length === 1 ? downloads[0] : undefined;

  return (
    <article
      ref={ref}
      class="card"
      data-tag={tag}
      data-enlarged={enlarged}
      aria-label={props.label ?? `${capNoun} of ${tag}`}
      {...props.data}
    >
      <header class="card-head">
        <h3 class="card-title" title={tag} style={{ margin: 0 }}>
          {/* the end of a tag tells tags apart (…/loss, …/accuracy): shorten in the middle. The room is the
              card's width less its margins and the action buttons. */}
          {width > 0 ? fitMiddle(title, width - 108, (t) => textWidth(t, '600 13px')) : middleEllipsis(title, 60)}
          {props.subtitle && <span class="desc">{props.subtitle}</span>}
        </h3>
        <div class="card-actions">
          {props.actions}
          {only && (
            <a class="icon-btn" href={only.href} download={only.filename ?? true} aria-label={only.label} title={only.label}>
              <Download />
            </a>
          )}
          {downloads.length > 1 && (
            <button
              type="button"
              class="icon-btn"
              aria-label={props.downloadLabel ?? 'Download'}
              title={props.downloadTitle ?? props.downloadLabel ?? 'Download'}
              aria-haspopup="menu"
              aria-expanded={menu}
              onClick={() => setMenu(!menu)}
            >
              <Download />
            </button>
          )}
          {props.copyLink !== false && (
            <button type="button" class="icon-btn" aria-label={`Copy link to this ${noun}`} title="Copy link" onClick={copyLink}>
              {copied ? <Check /> : <LinkIcon />}
            </button>
          )}
          {props.enlargeable !== false && (
            <button
              type="button"
              class="icon-btn"
              aria-label={enlarged ? `Shrink ${noun}` : `Enlarge ${noun}`}
              aria-pressed={enlarged}
              title={enlarged ? 'Shrink (Esc)' : 'Enlarge'}
              onClick={() => setEnlarged(!enlarged)}
            >
              {enlarged ? <Collapse /> : <Expand />}
            </button>
          )}
        </div>
        {menu && downloads.length > 1 && (
          <div class="menu" role="menu">
            {downloads.map((d) => (
              <a role="menuitem" key={d.href} href={d.href} download={d.filename ?? true} onClick={() => setMenu(false)}>
                {d.label}
              </a>
            ))}
          </div>
        )}
      </header>
      {props.children}
      {props.footer !== undefined && <footer class="card-foot">{props.footer}</footer>}
    </article>
  );
}

/**
 * The card of one tag (its data in the selected runs): identified by the tag, titled by its display name,
 * its description under the title.
 */
export function TagCard(props: Omit<CardProps, 'tag' | 'title' | 'subtitle'> & { tag: TagInfo }) {
  const { tag, ...rest } = props;
  return <Card {...rest} tag={tag.tag} title={tagTitle(tag)} subtitle={tag.description} />;
}

/** Copy text to the clipboard, also where the clipboard API is missing (plain http on another host). */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}
