import type { Logger } from '@nestjs/common';

/**
 * Runs one step of a periodic job (a named service method the job calls):
 * a failing step is logged and does not stop the steps after it, so one
 * module's error (a store that is down) never stops another's work.
 */
export async function jobStep(logger: Logger, step: string, work: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await work();
  } catch (err) {
    logger.error(`${step} failed: ${(err as Error).message}`);
  }
}
