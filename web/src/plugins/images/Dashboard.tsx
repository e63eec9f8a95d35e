/**
 * The Images dashboard: the shared tag view with, in its toolbar, a global step slider (every card moves
 * to its nearest step), the layout (a card per run, or each tag's runs side by side), brightness and
 * contrast, and actual size. All of it is in the URL, so a shared link shows the same images.
 */
import { useStepUnion } from '../../app/stepUnion';
import { GlobalStep } from '../../components/GlobalStep';
import { usePageParam } from '../../app/store';
import { useKindTags } from '../../app/useKindTags';
import { Segmented } from '../../components/Segmented';
import { TagGroupsView } from '../../components/TagGroupsView';
import { enumParam, intParam, nullable } from '../../lib/pageParams';
import { CompareCard } from './CompareCard';
import { ImageCard, type ImageSettings } from './ImageCard';
import { filterCss } from './view';
import './images.css';

type Layout = 'runs' | 'compare';
const LAYOUTS = ['runs', 'compare'] as const;

export function ImagesDashboard() {
  const tags = useKindTags('images');
  const union = useStepUnion();
  const [step, setStep] = usePageParam('images', 'step', null, nullable(intParam));
  const [layout, setLayout] = usePageParam<Layout>('images', 'layout', 'runs', enumParam(LAYOUTS));
  const [brightness, setBrightness] = usePageParam('images', 'brightness', 1);
  const [contrast, setContrast] = usePageParam('images', 'contrast', 1);
  const [actual, setActual] = usePageParam('images', 'actual', false);
  const settings: ImageSettings = { step, actual };
  const adjusted = brightness !== 1 || contrast !== 1;

  return (
    // display: contents keeps the toolbar sticky in the scrolling main area while the filter variable
    // reaches every image below
    <div class="images-dash" style={{ '--img-filter': filterCss(brightness, contrast) }}>
      <TagGroupsView
        kind="images"
        noun="image"
        tags={tags}
        toolbarLabel="Image settings"
        cardMinWidth={layout === 'compare' ? 520 : 260}
        renderCard={(tag, runs) =>
          layout === 'compare' ? (
            <CompareCard tag={tag} runs={runs} union={union} settings={settings} />
          ) : (
            runs.map((run) => <ImageCard key={run} tag={tag} run={run} union={union} settings={settings} />)
          )
        }
      >
        <GlobalStep union={union} value={step} onChange={setStep} />
        <div class="control" role="group" aria-label="Layout">
          <Segmented<Layout>
            value={layout}
            options={[
              ['runs', 'Per run'],
              ['compare', 'Compare runs'],
            ]}
            onChange={setLayout}
            label="Layout"
          />
        </div>
        <label class="control" title="One image pixel per screen pixel, instead of fitting the card">
          <input
            type="checkbox"
            checked={actual}
            aria-label="Actual size"
            onChange={(e) => setActual(e.currentTarget.checked)}
          />
          Actual size
        </label>
        <FilterSlider symbol="☀" name="Brightness" value={brightness} onChange={setBrightness} />
        <FilterSlider symbol="◐" name="Contrast" value={contrast} onChange={setContrast} />
        {adjusted && (
          <button
            type="button"
            class="link-btn"
            onClick={() => {
              setBrightness(1);
              setContrast(1);
            }}
          >
            Reset
          </button>
        )}
      </TagGroupsView>
    </div>
  );
}

/** A display filter of every image (brightness, contrast) from 20% to 300%. */
function FilterSlider(props: { symbol: string; name: string; value: number; onChange: (v: number) => void }) {
  return (
    <label class="control" title={`${props.name} of every image (a display filter; the data are unchanged)`}>
      <span aria-hidden="true">{props.symbol}</span>
      <input
        type="range"
        min={0.2}
        max={3}
        step={0.05}
        value={props.value}
        aria-label={props.name}
        onInput={(e) => props.onChange(Number(e.currentTarget.value))}
      />
      <output>{Math.round(props.value * 100)}%</output>
    </label>
  );
}
