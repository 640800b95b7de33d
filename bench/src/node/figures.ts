// The result model: every figure with its target, Chatkeep's summary and the
// baselines measured in the same run.
import type { DatasetSpec, DatasetStats } from '../shared/dataset.js';
import type { Summary } from '../shared/stats.js';
import type { MachineInfo } from './machine.js';

export interface Figure {
  id: string;
  name: string;
  unit: string;
  better: 'lower' | 'higher';
  /** The target we mean to beat (reported, never asserted). */
  target?: number;
  chatkeep: Summary;
  dexie?: Summary;
  legacy?: Summary;
  note?: string;
}

export interface BenchResult {
  scale: 'full' | 'smoke';
  date: string;
  durationSeconds: number;
  machine: MachineInfo;
  spec: DatasetSpec;
  dataset: DatasetStats;
  figures: Figure[];
  /** Details that explain the figures (sizes, counts, hits). */
  details: Record<string, unknown>;
}

export function meetsTarget(figure: Figure): boolean | undefined {
  if (figure.target === undefined) return undefined;
  return figure.better === 'lower'
    ? figure.chatkeep.median <= figure.target
    : figure.chatkeep.median >= figure.target;
}

/** How many times faster Chatkeep is than a baseline (>1: Chatkeep wins). */
export function speedup(figure: Figure, baseline: Summary | undefined): number | undefined {
  if (!baseline || baseline.median === 0 || figure.chatkeep.median === 0) return undefined;
  return figure.better === 'lower'
    ? baseline.median / figure.chatkeep.median
    : figure.chatkeep.median / baseline.median;
}
