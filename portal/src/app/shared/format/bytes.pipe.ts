import { Pipe, PipeTransform } from '@angular/core';
import { formatBytes } from './format-units';

/** `{{ value | bytes }}`: 1536 → 1.5 KiB; '–' for missing values. */
@Pipe({ name: 'bytes' })
export class BytesPipe implements PipeTransform {
  transform(value: number | null | undefined): string {
    return value === null || value === undefined ? '–' : formatBytes(value);
  }
}
