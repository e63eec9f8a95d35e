/** The run a card shows, with its colour (a card's footer in the Images and Audio dashboards). */
import { colorOf } from '../app/store';
import { middleEllipsis } from '../lib/format';
import './RunLabel.css';

export function RunLabel(props: { run: string }) {
  return (
    <span class="run-label" title={props.run} data-run={props.run}>
      <span class="swatch" style={{ background: colorOf(props.run) }} />
      <span class="run-label-text">{middleEllipsis(props.run, 48)}</span>
    </span>
  );
}
