import { Resource, Signal, linkedSignal } from '@angular/core';

/**
 * The last value a resource loaded, kept while it reloads, changes parameters or
 * fails. Templates read this instead of `resource.value()`, which throws while the
 * resource is in error (one failing endpoint must not break the rest of a page)
 * and goes blank while new parameters load (tables would flicker).
 */
export function latestValue<T>(resource: Resource<T | undefined>): Signal<T | undefined> {
  return linkedSignal<T | undefined, T | undefined>({
    source: () => (resource.hasValue() ? resource.value() : undefined),
    computation: (next, previous) => next ?? previous?.value,
  });
}
