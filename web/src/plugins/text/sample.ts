/**
 * Pure helpers of the Text cards: what a sample's shape is called, the raw cells of a sample, and a file
 * name for a download.
 */
import type { TextSample } from '../../lib/api';

/** A sample's shape in words for the card's footer: "2×2 table", "3 rows", "document". */
export function describeShape(shape: readonly number[]): string {
  if (shape.length === 0) return 'document';
  if (shape.length === 1) return `${shape[0]} ${shape[0] === 1 ? 'row' : 'rows'}`;
  if (shape.length === 2) return `${shape[0]}×${shape[1]} table`;
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return `${shape.join('×')} tensor as ${rows} rows`;
}

/** A sample as rows of cells (a document is one cell), for the raw view. */
export function rowsOf(sample: TextSample): string[][] {
  return typeof sample === 'string' ? [[sample]] : sample;
}

/** Whether the raw view shows a table (a sample of rank 1 or more) rather than one document. */
export function isTable(sample: TextSample): sample is string[][] {
  return typeof sample !== 'string';
}

/**
 * A one-cell table from `add_text` (PyTorch and tensorboardX write a 1-vector) is a document to a person:
 * its one cell is shown without table borders.
 */
export function isSingleCell(shape: readonly number[]): boolean {
  return shape.length > 0 && shape.every((n) => n === 1);
}
