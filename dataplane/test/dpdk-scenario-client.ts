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
 * tells it to stop and resolves with its results, or with its `{ error }` if DPDK failed to start.
 */
export function runDpdkScenario(
  config: ScenarioConfig,
  whileRunning?: (ready: ScenarioReady) => Promise<void>,
): Promise<ScenarioDone | ScenarioError> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'dpdk-scenario.ts'), [JSON.stringify(config)], {
      execArgv: ['-r', path.join(__dirname, 'dpdk-ts-register.js')],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let outcome: ScenarioDone | ScenarioError | null = null;
    child.on('message', (m: ScenarioMessage) => {
      if ('ready' in m) {
        const traffic = whileRunning ? whileRunning(m) : Promise.resolve();
        traffic.then(
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
      if (outcome !== null) resolve(outcome);
      else reject(new Error(`DPDK scenario exited with ${code} without a result; stderr:\n${stderr}`));
    });
  });
}
