/**
 * Hash-entry lifecycle (seeds/003): set inline on creation, `Idle` set inline by
 * purgeIdle, `ReadyToBePurged` set by an offline periodic pass that has seen the
 * entry, then deleted inline under a try-write-lock. `Free` marks an unused slot.
 */
export const enum EntryState {
  Free = 0,
  Active = 1,
  Idle = 2,
  ReadyToBePurged = 3,
}

export const ENTRY_STATE_NAMES: readonly string[] = ['free', 'active', 'idle', 'ready_to_be_purged'];
