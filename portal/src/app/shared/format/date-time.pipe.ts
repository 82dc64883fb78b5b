import { Pipe, PipeTransform } from '@angular/core';
import { formatDateTime } from './format-units';

/** `{{ flow.first_seen | dateTime }}` → local "2026-11-22 14:05:09". */
@Pipe({ name: 'dateTime' })
export class DateTimePipe implements PipeTransform {
  transform(unixS: number | null | undefined): string {
    return unixS === null || unixS === undefined ? '–' : formatDateTime(unixS);
  }
}
