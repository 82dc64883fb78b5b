import { Pipe, PipeTransform } from '@angular/core';
import { formatDuration } from './format-units';

/** `{{ value | duration }}`: seconds → 1 h 5 min; '–' for missing values. */
@Pipe({ name: 'duration' })
export class DurationPipe implements PipeTransform {
  transform(value: number | null | undefined): string {
    return value === null || value === undefined ? '–' : formatDuration(value);
  }
}
