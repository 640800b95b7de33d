// The machine a run was measured on, for the report.
import { cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGB: number;
  os: string;
  node: string;
  chromium: string;
  loadAverageAtStart: number[];
}

export function machineInfo(chromium: string): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    chromium,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
