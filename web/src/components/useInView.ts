/**
 * Whether an element is in (or near) the viewport, through one shared IntersectionObserver, so cards
 * outside the viewport are neither fetched nor drawn.
 */
import { type RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type Callback = (visible: boolean) => void;
const callbacks = new WeakMap<Element, Callback>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) callbacks.get(e.target)?.(e.isIntersecting);
    },
    // Start loading a little before a card scrolls in, so it is ready when it arrives.
    { rootMargin: '300px 0px' },
  );
  return observer;
}

export function useInView(ref: RefObject<Element>): boolean {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (typeof IntersectionObserver !== 'function') {
      setVisible(true);
      return;
    }
    callbacks.set(el, setVisible);
    const io = shared();
    io.observe(el);
    return () => {
      io.unobserve(el);
      callbacks.delete(el);
    };
  }, [ref]);
  return visible;
}

/** The content width of an element, kept up to date by a ResizeObserver. */
export function useWidth(ref: RefObject<Element>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((old) => (old === w ? old : w));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}
