/**
 * Node search with autocomplete (an ARIA combobox): as the user types, the worker finds matching nodes
 * anywhere in the graph; arrows move through the list, Enter or a click picks one, Esc closes it. `/`
 * focuses the box from anywhere on the page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SearchHit } from './protocol';

export interface SearchBoxProps {
  search: (query: string) => Promise<SearchHit[]>;
  onPick: (hit: SearchHit) => void;
  disabled?: boolean;
}

export function SearchBox(props: SearchBoxProps) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  /** The query `hits` answer (Enter right after typing must not pick an older answer, or none). */
  const [hitsFor, setHitsFor] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  // The text in the box now (the handlers' `query` may be a render behind when keys come fast).
  const typed = useRef('');
  typed.current = query;
  const seq = useRef(0);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable))
        return;
      e.preventDefault();
      inputRef.current?.focus();
      inputRef.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const q = query.trim();
    const mine = ++seq.current;
    if (!q) {
      setHits([]);
      return;
    }
    const t = setTimeout(() => {
      props.search(q).then(
        (h) => {
          if (mine !== seq.current) return;
          setHits(h);
          setHitsFor(q);
          setActive(0);
        },
        () => mine === seq.current && setHits([]),
      );
    }, 60);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query]);

  const pick = (h: SearchHit | undefined) => {
    if (!h) return;
    setOpen(false);
    setQuery(h.name);
    props.onPick(h);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      setOpen(true);
      setActive((a) => Math.min(hits.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
    else if (e.key === 'Enter') {
      const q = (inputRef.current?.value ?? query).trim();
      if (hitsFor === q) pick(hits[active] ?? hits[0]);
      // Results for this text are not in yet: search now, pick the best unless the text changed meanwhile.
      else if (q)
        void props.search(q).then((h) => (inputRef.current?.value ?? typed.current).trim() === q && pick(h[0]));
    } else if (e.key === 'Escape') {
      if (open && hits.length) setOpen(false);
      else {
        setQuery('');
        inputRef.current?.blur();
      }
    } else return;
    e.preventDefault();
  };

  const showList = open && query.trim() !== '';
  return (
    <div class="gv-search tag-filter">
      <input
        ref={inputRef}
        class="input"
        type="search"
        role="combobox"
        placeholder="Search nodes"
        aria-label="Search nodes by name"
        aria-autocomplete="list"
        aria-controls="gv-search-list"
        aria-expanded={showList && hits.length > 0}
        aria-activedescendant={showList && hits[active] ? `gv-hit-${active}` : undefined}
        value={query}
        disabled={props.disabled}
        spellcheck={false}
        autocomplete="off"
        onInput={(e) => {
          setQuery((e.currentTarget as HTMLInputElement).value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      {!query && <span class="kbd">/</span>}
      {showList && (
        <ul id="gv-search-list" class="gv-hits" role="listbox" aria-label="Matching nodes" data-testid="search-results">
          {hits.length === 0 && <li class="gv-hit gv-nohit">No node matches.</li>}
          {hits.map((h, i) => (
            <li
              key={h.id}
              id={`gv-hit-${i}`}
              role="option"
              aria-selected={i === active}
              class="gv-hit"
              title={h.name}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(h);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span class="gv-hit-name">
                {h.name.slice(0, h.at[0])}
                <mark>{h.name.slice(h.at[0], h.at[1])}</mark>
                {h.name.slice(h.at[1])}
              </span>
              <span class="gv-hit-op">{h.op}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
