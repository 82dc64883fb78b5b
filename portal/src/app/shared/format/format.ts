import { BitRatePipe } from './bit-rate.pipe';
import { BytesPipe } from './bytes.pipe';
import { CountPipe } from './count.pipe';
import { DateTimePipe } from './date-time.pipe';
import { DurationPipe } from './duration.pipe';
import { RelativeTimePipe } from './relative-time.pipe';

/** All formatting pipes, for a component's `imports`. */
export const FORMAT_PIPES = [BytesPipe, BitRatePipe, CountPipe, DurationPipe, RelativeTimePipe, DateTimePipe] as const;
