import { Pipe, PipeTransform } from '@angular/core';
import { formatRelativeTime } from './format-units';

/**
 * `{{ host.last_seen | relativeTime: clock.now() }}` → "12 s ago". `now` is an
 * argument (the shared {@link Clock}) so the pipe stays pure and recomputes only when time moves.
 */
@Pipe({ name: 'relativeTime' })
export class RelativeTimePipe implements PipeTransform {
  transform(unixS: number | null | undefined, nowS: number): string {
    return unixS === null || unixS === undefined ? '–' : formatRelativeTime(unixS, nowS);
  }
}
