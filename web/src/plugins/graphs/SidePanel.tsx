/**
 * The side panel: the selected node's op, device, attributes, inputs and consumers (each a link that reveals
 * it), output shapes, stats and parameters; a selected scope's size, ops, devices and summed stats, with a
 * button to open or close it; with nothing selected, what the graph holds. All text goes into text nodes.
 */
import { formatBytes } from '../../lib/format';
import { formatMicros } from './colors';
import type { Details, GraphSummary, GroupDetails, NodeDetails, NodeLink } from './protocol';
import { formatCount } from './scene';
import { attrText, relativeName } from './text';

export interface SidePanelProps {
  details: Details | null;
  summary: GraphSummary;
  graphLabel: string;
  expanded: boolean;
  onReveal: (nameOrId: string) => void;
  onToggle: (id: string) => void;
}

export function SidePanel(props: SidePanelProps) {
  const d = props.details;
  return (
    <aside class="gv-panel" aria-label="Details" data-testid="graph-panel">
      {!d && <Summary summary={props.summary} graphLabel={props.graphLabel} />}
      {d?.kind === 'leaf' && <NodeView d={d} keras={props.summary.kind === 'keras'} onReveal={props.onReveal} />}
      {d && d.kind !== 'leaf' && (
        <GroupView d={d} keras={props.summary.kind === 'keras'} expanded={props.expanded} onToggle={props.onToggle} />
      )}
    </aside>
  );
}

function Summary(props: { summary: GraphSummary; graphLabel: string }) {
  const s = props.summary;
  const keras = s.kind === 'keras';
  return (
    <div class="gv-summary">
      <h2 class="gv-panel-title">{props.graphLabel}</h2>
      <dl class="gv-dl">
        <dt>Run</dt>
        <dd class="gv-break">{s.run}</dd>
        {s.step !== null && (
          <>
            <dt>Step</dt>
            <dd>{s.step}</dd>
          </>
        )}
        <dt>{keras ? 'Layers' : 'Nodes'}</dt>
        <dd>{s.nodes.toLocaleString()}</dd>
        <dt>Edges</dt>
        <dd>{s.edges.toLocaleString()}</dd>
        <dt>Scopes</dt>
        <dd>{s.scopes.toLocaleString()}</dd>
        {s.series > 0 && (
          <>
            <dt>Repeated</dt>
            <dd>{s.series.toLocaleString()} series</dd>
          </>
        )}
        {s.functions.length > 0 && (
          <>
            <dt>Functions</dt>
            <dd>{s.functions.length}</dd>
          </>
        )}
      </dl>
      <p class="gv-hint">
        Click a box to see its details; double-click a scope (or select it and press Enter) to open it. Search finds any
        node, however deep.
      </p>
    </div>
  );
}

function Links(props: {
  links: NodeLink[];
  scope: string;
  onReveal: (id: string) => void;
  empty: string;
  testid: string;
}) {
  if (!props.links.length) return <p class="gv-none">{props.empty}</p>;
  return (
    <ul class="gv-links" data-testid={props.testid}>
      {props.links.map((l, i) => (
        <li key={i} class={l.control ? 'gv-ctl' : undefined}>
          {l.id ? (
            <button
              type="button"
              class="link-btn gv-link"
              onClick={() => props.onReveal(l.id!)}
              title={l.name}
              aria-label={l.name}
            >
              {relativeName(l.name, props.scope)}
            </button>
          ) : (
            <span class="gv-missing" title="No node has this name">
              {l.name}
            </span>
          )}
          {l.control && <span class="gv-tagchip">control</span>}
          {l.shape && <span class="gv-shape">{l.shape}</span>}
        </li>
      ))}
    </ul>
  );
}

function NodeView(props: { d: NodeDetails; keras: boolean; onReveal: (id: string) => void }) {
  const { d } = props;
  const scope = d.name.includes('/') ? d.name.slice(0, d.name.lastIndexOf('/')) : '';
  const micros = typeof d.stats?.compute_micros === 'number' ? d.stats.compute_micros : null;
  const bytes = typeof d.stats?.memory_bytes === 'number' ? d.stats.memory_bytes : null;
  return (
    <div class="gv-node-details">
      <h2 class="gv-panel-title gv-break" data-testid="panel-name">
        {d.name}
      </h2>
      <dl class="gv-dl">
        <dt>{props.keras ? 'Class' : 'Op'}</dt>
        <dd data-testid="panel-op">
          <code>{d.op || '—'}</code>
        </dd>
        {d.device && (
          <>
            <dt>Device</dt>
            <dd class="gv-break">{d.device}</dd>
          </>
        )}
        {d.outputShapes.length > 0 && (
          <>
            <dt>{d.outputShapes.length === 1 ? 'Output shape' : 'Output shapes'}</dt>
            <dd>
              {d.outputShapes.map((s, i) => (
                <span key={i} class="gv-shape">
                  {s}
                </span>
              ))}
            </dd>
          </>
        )}
        {d.params !== null && (
          <>
            <dt>Parameters</dt>
            <dd>{d.params.toLocaleString()}</dd>
          </>
        )}
        {micros !== null && (
          <>
            <dt>Compute time</dt>
            <dd>{formatMicros(micros)}</dd>
          </>
        )}
        {bytes !== null && (
          <>
            <dt>Memory</dt>
            <dd>{formatBytes(bytes)}</dd>
          </>
        )}
        {d.stats?.device && d.stats.device !== d.device && (
          <>
            <dt>Ran on</dt>
            <dd class="gv-break">{d.stats.device}</dd>
          </>
        )}
      </dl>
      {d.calls.length > 0 && (
        <section>
          <h3>Calls</h3>
          <ul class="gv-links">
            {d.calls.map((c) => (
              <li key={c.id}>
                <button type="button" class="link-btn gv-link" onClick={() => props.onReveal(c.id)}>
                  {c.name}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h3>
          Inputs <span class="count">{d.inputCount}</span>
        </h3>
        <Links links={d.inputs} scope={scope} onReveal={props.onReveal} empty="No inputs." testid="panel-inputs" />
        {d.inputCount > d.inputs.length && <p class="gv-none">and {d.inputCount - d.inputs.length} more</p>}
      </section>
      <section>
        <h3>
          Outputs <span class="count">{d.outputCount}</span>
        </h3>
        <Links
          links={d.outputs}
          scope={scope}
          onReveal={props.onReveal}
          empty="Nothing consumes this node."
          testid="panel-outputs"
        />
        {d.outputCount > d.outputs.length && <p class="gv-none">and {d.outputCount - d.outputs.length} more</p>}
      </section>
      {d.attrs.length > 0 && (
        <section>
          <h3>
            Attributes <span class="count">{d.attrs.length}</span>
          </h3>
          <table class="gv-attrs" data-testid="panel-attrs">
            <tbody>
              {d.attrs.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>{attrText(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

function GroupView(props: { d: GroupDetails; keras: boolean; expanded: boolean; onToggle: (id: string) => void }) {
  const { d } = props;
  const what =
    d.kind === 'series'
      ? 'Series: siblings of the same structure'
      : d.part
        ? 'Part of a scope with too many children to draw at once: consecutive nodes in graph order'
        : d.fn
          ? 'Function'
          : props.keras
            ? 'Model'
            : 'Scope';
  return (
    <div class="gv-group-details">
      <h2 class="gv-panel-title gv-break" data-testid="panel-name">
        {d.name || d.label}
      </h2>
      <p class="gv-kind">{what}</p>
      <button type="button" class="btn" onClick={() => props.onToggle(d.id)} data-testid="panel-toggle">
        {props.expanded ? 'Collapse' : 'Expand'}
      </button>
      <dl class="gv-dl">
        <dt>{props.keras ? 'Layers' : 'Nodes'}</dt>
        <dd>{d.nodes.toLocaleString()}</dd>
        <dt>{d.kind === 'series' ? 'Members' : 'Children'}</dt>
        <dd>{d.children.toLocaleString()}</dd>
        {d.compute !== null && (
          <>
            <dt>Compute time</dt>
            <dd>{formatMicros(d.compute)}</dd>
          </>
        )}
        {d.memory !== null && (
          <>
            <dt>Memory</dt>
            <dd>{formatBytes(d.memory)}</dd>
          </>
        )}
      </dl>
      {d.ops.length > 0 && (
        <section>
          <h3>{props.keras ? 'Classes' : 'Ops'}</h3>
          <table class="gv-attrs">
            <tbody>
              {d.ops.map(([op, n]) => (
                <tr key={op}>
                  <th scope="row">{op || '—'}</th>
                  <td class="num">{formatCount(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {d.devices.length > 0 && (
        <section>
          <h3>Devices</h3>
          <table class="gv-attrs">
            <tbody>
              {d.devices.map(([dev, n]) => (
                <tr key={dev}>
                  <th scope="row">{dev}</th>
                  <td class="num">{formatCount(n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
