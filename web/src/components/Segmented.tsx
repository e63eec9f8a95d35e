/**
 * A row of toggle buttons choosing one of a few values (x axis, y scale, a dashboard's mode). Each button
 * is named "<label>: <text>" and marks the chosen one with aria-pressed.
 */

export function Segmented<T extends string>(props: {
  value: T;
  options: [T, string][];
  onChange: (v: T) => void;
  label: string;
}) {
  return (
    <span class="segmented">
      {props.options.map(([v, text]) => (
        <button
          type="button"
          key={v}
          aria-pressed={props.value === v}
          aria-label={`${props.label}: ${text}`}
          onClick={() => props.onChange(v)}
        >
          {text}
        </button>
      ))}
    </span>
  );
}
