import { JobRunner } from './job-runner';

describe('JobRunner', () => {
  it('skips and records a run while the previous one is still going, never stacks them', async () => {
    const runner = new JobRunner();
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const first = runner.run('minute', async () => {
      started++;
      await slow;
    });
    expect(await runner.run('minute', () => void started++)).toBe(false);
    expect(await runner.run('minute', () => void started++)).toBe(false);
    // Another job is independent.
    expect(await runner.run('hourly', () => undefined)).toBe(true);
    release();
    expect(await first).toBe(true);
    expect(started).toBe(1);
    expect(runner.info('minute')).toMatchObject({ runs: 1, skipped: 2, failures: 0, last_error: null });
    expect(await runner.run('minute', () => void started++)).toBe(true);
    expect(started).toBe(2);
  });

  it('records a failure and runs normally the next period', async () => {
    const runner = new JobRunner();
    expect(await runner.run('daily', () => Promise.reject(new Error('disk full')))).toBe(true);
    expect(runner.info('daily')).toMatchObject({ runs: 1, failures: 1, last_error: 'disk full' });
    await runner.run('daily', () => undefined);
    expect(runner.info('daily')).toMatchObject({ runs: 2, failures: 1, last_error: null });
    expect(runner.list().map((j) => j.name)).toEqual(['daily']);
  });
});
