/**
 * The tag list of one kind (`api/tags?kind=`), for a dashboard: fetched on mount, re-read (at most once a
 * second) when the live stream brings a tag or run the list lacks, and when the server's count of the
 * kind's tags moves (indexing in progress).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type TagInfo, api } from '../lib/api';
import { bringsNewTags, pairKeys } from '../lib/liveTags';
import { onUpdate } from './live';
import { status } from './store';

export interface KindTags {
  /** null until the first answer. */
  tags: TagInfo[] | null;
  /** The last fetch's error; the previous list, if any, is kept. */
  error: string | null;
  retry: () => void;
}

export function useKindTags(kind: string): KindTags {
  // Each answer remembers its kind, so another kind's list is never shown while this one loads.
  const [list, setList] = useState<{ kind: string; tags: TagInfo[] } | null>(null);
  const [failure, setFailure] = useState<{ kind: string; message: string } | null>(null);
  const known = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    api
      .tags(kind, ctrl.signal)
      .then((r) => {
        known.current = pairKeys(r.tags);
        setList({ kind, tags: r.tags });
        setFailure(null);
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setFailure({ kind, message: e instanceof Error ? e.message : String(e) });
      });
    return () => ctrl.abort();
  }, [kind, tick]);

  useEffect(() => {
    const refresh = () => {
      if (timer.current !== undefined) return;
      timer.current = setTimeout(() => {
        timer.current = undefined;
        setTick((t) => t + 1);
      }, 1000);
    };
    const off = onUpdate((ev) => {
      if (bringsNewTags(ev, kind, known.current)) refresh();
    });
    return () => {
      off();
      clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [kind]);

  // The server's count of this kind's tags moved (indexing in progress): re-read the list.
  const count = status.value?.kinds?.[kind] ?? 0;
  const lastCount = useRef(count);
  useEffect(() => {
    if (count !== lastCount.current) {
      lastCount.current = count;
      setTick((t) => t + 1);
    }
  }, [count]);

  return {
    tags: list?.kind === kind ? list.tags : null,
    error: failure?.kind === kind ? failure.message : null,
    retry: () => setTick((t) => t + 1),
  };
}
