/** Runs a DPDK scenario (dpdk-scenario.ts) in a child process, for the jest specs. */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { ScenarioConfig, ScenarioMessage } from './dpdk-scenario';

/** EAL arguments of every scenario: the development set of DPDK_DEV_EAL_ARGS, quieter logs. */
export const TEST_EAL_ARGS = ['--no-huge', '--no-pci', '--no-shconf', '-m', '512', '--lcores=0@(0-1)', '--log-level=warning', '--no-telemetry'];

export type ScenarioDone = Extract<ScenarioMessage, { done: true }>;
export type ScenarioReady = Extract<ScenarioMessage, { ready: true }>;
export type ScenarioError = Extract<ScenarioMessage, { error: unknown }>;

/**
 * Forks the scenario, calls `whileRunning` once its ports are up (live traffic goes there), then
 * tells it to stop (without `whileRunning`: lets it run to the end of its files) and resolves with its results, or with its `{ error }` if DPDK failed to start.
 */
export function runDpdkScenario(
  config: ScenarioConfig,
  whileRunning?: (ready: ScenarioReady) => Promise<void>,
  timeoutMs = 100_000,
): Promise<ScenarioDone | ScenarioError> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'dpdk-scenario.ts'), [JSON.stringify(config)], {
      execArgv: ['-r', path.join(__dirname, 'dpdk-ts-register.js')],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stderr = '';
    // EAL and PMD logs, shown only when the scenario dies without a result.
    child.stdout!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // A scenario never outlives its test: DPDK workers poll, and the machine is shared.
    const deadline = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let outcome: ScenarioDone | ScenarioError | null = null;
    child.on('message', (m: ScenarioMessage) => {
      if ('ready' in m) {
        // Without `whileRunning` the scenario is a finite replay: it ends with its files, no 'stop'.
        if (!whileRunning) return;
        whileRunning(m).then(
          () => child.send('stop'),
          (err) => {
            child.kill('SIGKILL');
            reject(err);
          },
        );
      } else {
        outcome = m;
      }
    });
    child.on('exit', (code) => {
      clearTimeout(deadline);
      if (outcome !== null) resolve(outcome);
      else reject(new Error(`DPDK scenario exited with ${code} without a result; stderr:\n${stderr}`));
    });
  });
}
