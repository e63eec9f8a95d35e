/** Small inline icons (stroke-based, inherit the text colour). Decorative: callers give the accessible name. */
import type { JSX } from 'preact';

function Svg(props: { children: JSX.Element | JSX.Element[]; size?: number }) {
  const s = props.size ?? 16;
  return (
    <svg
      width={s}
      height={s}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      stroke-width="1.5"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {props.children}
    </svg>
  );
}

export const Logo = () => (
  <Svg size={20}>
    <circle cx="8" cy="8" r="6" />
    <circle cx="8" cy="8" r="2" fill="currentColor" />
  </Svg>
);
export const Sun = () => (
  <Svg>
    <circle cx="8" cy="8" r="3" />
    <path d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1" />
  </Svg>
);
export const Moon = () => (
  <Svg>
    <path d="M13.5 9.5A5.5 5.5 0 0 1 6.5 2.5a5.5 5.5 0 1 0 7 7z" />
  </Svg>
);
export const Monitor = () => (
  <Svg>
    <rect x="1.5" y="2.5" width="13" height="9" rx="1.5" />
    <path d="M5.5 14h5M8 11.5V14" />
  </Svg>
);
export const Chevron = () => (
  <Svg size={14}>
    <path d="M4 6l4 4 4-4" />
  </Svg>
);
export const Expand = () => (
  <Svg>
    <path d="M9.5 2.5h4v4M6.5 13.5h-4v-4M13.5 2.5 9 7M2.5 13.5 7 9" />
  </Svg>
);
export const Collapse = () => (
  <Svg>
    <path d="M13 7H9V3M3 9h4v4M9 7l4.5-4.5M7 9l-4.5 4.5" />
  </Svg>
);
export const Download = () => (
  <Svg>
    <path d="M8 2v8M4.5 6.5 8 10l3.5-3.5M2.5 13.5h11" />
  </Svg>
);
export const LinkIcon = () => (
  <Svg>
    <path d="M6.5 9.5a3 3 0 0 0 4.2 0l2-2a3 3 0 0 0-4.2-4.2l-.8.8M9.5 6.5a3 3 0 0 0-4.2 0l-2 2a3 3 0 0 0 4.2 4.2l.8-.8" />
  </Svg>
);
export const Check = () => (
  <Svg>
    <path d="M3 8.5 6.5 12 13 4.5" />
  </Svg>
);
