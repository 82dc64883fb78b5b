import { Global, Module } from '@nestjs/common';
import { FlowRecordDispatcher } from './flow-record-dispatcher';

/** The flow-record dispatcher (docs/flow-records.md). Global: consumers register with it from their own modules. */
@Global()
@Module({
  providers: [FlowRecordDispatcher],
  exports: [FlowRecordDispatcher],
})
export class FlowRecordsModule {}
