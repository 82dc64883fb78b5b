import { Pipe, PipeTransform } from '@angular/core';
import { formatBitRate } from './format-units';

/** `{{ value | bitRate }}`: bits per second → 1.25 Mbit/s; '–' for missing values. */
@Pipe({ name: 'bitRate' })
export class BitRatePipe implements PipeTransform {
  transform(value: number | null | undefined): string {
    return value === null || value === undefined ? '–' : formatBitRate(value);
  }
}
