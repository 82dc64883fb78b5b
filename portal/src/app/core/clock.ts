import { Injectable, signal } from '@angular/core';

/** How often relative times ("12 s ago") are refreshed, ms. */
const TICK_MS = 5_000;

/**
 * A shared "now" for relative times: one timer for the whole app instead of one
 * per row, and pure pipes that recompute only when it ticks.
 */
@Injectable({ providedIn: 'root' })
export class Clock {
  private readonly nowS = signal(Date.now() / 1000);
  /** UNIX seconds, refreshed every {@link TICK_MS}. */
  readonly now = this.nowS.asReadonly();

  constructor() {
    setInterval(() => this.nowS.set(Date.now() / 1000), TICK_MS);
  }
}
