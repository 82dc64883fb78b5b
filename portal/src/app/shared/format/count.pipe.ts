import { Pipe, PipeTransform } from '@angular/core';
import { formatCount } from './format-units';

/** `{{ value | count }}`: 12345 → 12.3k; '–' for missing values. */
@Pipe({ name: 'count' })
export class CountPipe implements PipeTransform {
  transform(value: number | null | undefined): string {
    return value === null || value === undefined ? '–' : formatCount(value);
  }
}
