/**
 * The page's side of the layout worker: one worker per dashboard, requests as promises. A request that
 * fails carries the worker's message (and the HTTP status when the graph could not be fetched).
 */
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { Details, GraphSummary, LayoutResult, Request, Response, Reveal, SearchHit } from './protocol';

export class WorkerError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

export class GraphWorker {
  private worker: Worker;
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'graph-layout' });
    this.worker.onmessage = (e: MessageEvent<Response>) => {
      const msg = e.data;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new WorkerError(msg.error, msg.status));
    };
    this.worker.onerror = (e) => {
      const err = new WorkerError(e.message || 'The layout worker failed.', undefined);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    // The URL is made absolute here: the worker would resolve it against its own script.
    void this.call({ type: 'init', elkUrl: new URL(elkWorkerUrl, document.baseURI).href });
  }

  private call<T>(req: Request): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, req });
    });
  }

  load(url: string): Promise<GraphSummary> {
    return this.call({ type: 'load', url });
  }

  layout(expanded: Iterable<string>): Promise<LayoutResult> {
    return this.call({ type: 'layout', expanded: [...expanded] });
  }

  search(query: string, limit = 12): Promise<SearchHit[]> {
    return this.call({ type: 'search', query, limit });
  }

  details(id: string): Promise<Details | null> {
    return this.call({ type: 'details', id });
  }

  reveal(name: string): Promise<Reveal | null> {
    return this.call({ type: 'reveal', name });
  }

  dispose(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new WorkerError('The dashboard closed.', undefined));
    this.pending.clear();
  }
}
