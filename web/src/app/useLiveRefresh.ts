/**
 * A card's follow-up of the live stream: `mark` sees every update event (marking what it made stale) and
 * says whether the card's data was touched; if so `refresh` runs, at most once a second, so that a run
 * writing many steps a second costs one re-fetch a second. The throttle `useLiveCache` and `useListings`
 * share.
 */
import { useEffect, useRef } from 'preact/hooks';
import { onUpdate } from './live';
import type { UpdateEvent } from '../lib/api';

const REFRESH_MS = 1000;

/**
 * Subscribes while mounted; `deps` re-subscribe (and drop a pending refresh), like an effect's. `mark` runs
 * for every event, also while a refresh is pending.
 */
export function useLiveRefresh(
  mark: (ev: UpdateEvent) => boolean,
  refresh: () => void,
  deps: readonly unknown[],
): void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastRefresh = useRef(0);
  useEffect(() => {
    const off = onUpdate((ev) => {
      if (!mark(ev) || timer.current !== undefined) return;
      const wait = Math.max(0, REFRESH_MS - (Date.now() - lastRefresh.current));
      timer.current = setTimeout(() => {
        timer.current = undefined;
        lastRefresh.current = Date.now();
        refresh();
      }, wait);
    });
    return () => {
      off();
      clearTimeout(timer.current);
      timer.current = undefined;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
}
