/**
 * A card's downloads of its data as the server answers it: one JSON file per run, from the kind's own
 * route, named after the run and the tag (Histograms, Distributions, PR curves).
 */

/** A name made safe for a file: anything but letters, digits, `.`, `-` and `_` becomes `_`. */
export function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '_');
}

/**
 * One download per run of `api/<route>?run=…&tag=…`, saved as `<run>-<tag><suffix>.json`; labelled
 * "Download JSON", or with the run's name when there are several.
 */
export function runJsonDownloads(
  runs: readonly string[],
  tag: string,
  route: string,
  suffix = '',
): { label: string; href: string; filename: string }[] {
  return runs.map((run) => ({
    label: runs.length === 1 ? 'Download JSON' : `Download JSON: ${run}`,
    href: `api/${route}?${new URLSearchParams({ run, tag }).toString()}`,
    filename: `${fileSafe(run)}-${fileSafe(tag)}${suffix}.json`,
  }));
}
