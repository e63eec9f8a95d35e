/**
 * The steps a global step slider offers: the union of the steps each card reports. A dashboard makes one
 * union (`useStepUnion`), its cards report the steps they loaded (`useReportSteps`), and the toolbar's
 * `StepSlider` offers `union.steps.value`; each card then shows `nearest(itsSteps, globalStep)`.
 */
import { type ReadonlySignal, computed, signal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { mergeSteps } from '../lib/steps';

export interface StepUnion {
  /** Every reported step, sorted, each once. */
  steps: ReadonlySignal<number[]>;
  report(key: string, steps: readonly number[]): void;
  forget(key: string): void;
}

export function createStepUnion(): StepUnion {
  const lists = new Map<string, readonly number[]>();
  const version = signal(0);
  return {
    steps: computed(() => {
      void version.value;
      return mergeSteps(lists.values());
    }),
    report(key, steps) {
      const old = lists.get(key);
      if (old && old.length === steps.length && old.every((s, i) => s === steps[i])) return;
      lists.set(key, steps);
      version.value++;
    },
    forget(key) {
      if (lists.delete(key)) version.value++;
    },
  };
}

/** One union for the life of a dashboard. */
export function useStepUnion(): StepUnion {
  return useMemo(createStepUnion, []);
}

/** A card's steps in the union while it is mounted (null: not loaded yet, nothing reported). */
export function useReportSteps(union: StepUnion, key: string, steps: readonly number[] | null): void {
  useEffect(() => {
    if (steps) union.report(key, steps);
  }, [union, key, steps]);
  useEffect(() => () => union.forget(key), [union, key]);
}
