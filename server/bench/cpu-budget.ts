/**
 * A CPU budget for one benchmarked process: a cgroup CPU quota, as a container or a small
 * machine of its own would give it. On a bench machine every receiver, the database and the
 * load generator share the same few CPUs, so a second receiver can bring no CPU of its own; with
 * a budget each, receivers are compared as they are deployed, each with its own share.
 *
 * cgroup v2 (cpu.max) where the cpu controller is enabled, else cgroup v1 (cpu.cfs_quota_us);
 * without either (or without the right to create a group) there is no budget, and the caller
 * says so.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// A short period: a receiver over its share waits milliseconds, not a tenth of a second.
const PERIOD_US = 10_000;

/** A process under a budget; release() removes its group once the process has exited. */
export interface CpuBudget {
  release(): void;
}

function cgroupRoot(): { dir: string; version: 1 | 2 } | undefined {
  const v2 = '/sys/fs/cgroup';
  if (existsSync(join(v2, 'cgroup.subtree_control'))) {
    const enabled = readFileSync(join(v2, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
    if (enabled.includes('cpu')) return { dir: v2, version: 2 };
  }
  const v1 = '/sys/fs/cgroup/cpu';
  if (existsSync(join(v1, 'cpu.cfs_quota_us'))) return { dir: v1, version: 1 };
  return undefined;
}

/** True when this machine lets the bench give processes a CPU budget. */
export function cpuBudgetsAvailable(): boolean {
  const root = cgroupRoot();
  if (!root) return false;
  const probe = join(root.dir, `appeal-bench-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return true;
  } catch {
    return false;
  }
}

/** Limits process `pid` (and the threads it starts) to `cpus` CPUs' worth of time; undefined where that cannot be done. */
export function limitCpu(pid: number, cpus: number, name: string): CpuBudget | undefined {
  const root = cgroupRoot();
  if (!root) return undefined;
  const dir = join(root.dir, `appeal-bench-${process.pid}-${name}`);
  try {
    mkdirSync(dir);
    const quota = Math.round(cpus * PERIOD_US);
    if (root.version === 2) writeFileSync(join(dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
    else {
      writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
    }
    writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  } catch {
    try {
      rmdirSync(dir);
    } catch {
      // Not made, or not empty: nothing to undo that would work.
    }
    return undefined;
  }
  return {
    release() {
      try {
        rmdirSync(dir);
      } catch {
        // Still holds a process (it has not exited): the group goes with the machine's next boot.
      }
    },
  };
}
