import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { HistoryProbesResponseSchema, HistorySeriesResponseSchema, HistoryTopResponseSchema, HistoryUsageSchema } from '../api/api-schemas';
import type { Request, Response } from 'express';
import { HistoryFlowQueryDto, HistoryRangeDto, HistorySeriesQueryDto, HistoryTopQueryDto } from './dto/history-query.dto';
import { HistoryService } from './history.service';
import type { HistoryFlow, HistoryProbesResponse, HistorySeriesResponse, HistoryTopResponse, HistoryUsage } from '../api';

/** CSV columns of an exported flow, in order. */
const CSV_COLUMNS: [string, (f: HistoryFlow) => string | number][] = [
  ['probe', (f) => f.probe],
  ['interface', (f) => f.interface],
  ['first_seen_ms', (f) => f.first_seen_ms],
  ['last_seen_ms', (f) => f.last_seen_ms],
  ['flow_start_ms', (f) => f.flow_start_ms],
  ['end_reason', (f) => f.end_reason],
  ['vlan', (f) => f.vlan],
  ['l4', (f) => f.l4],
  ['client_ip', (f) => f.client.ip],
  ['client_port', (f) => f.client.port],
  ['server_ip', (f) => f.server.ip],
  ['server_port', (f) => f.server.port],
  ['cli2srv_packets', (f) => f.cli2srv.packets],
  ['cli2srv_bytes', (f) => f.cli2srv.bytes],
  ['srv2cli_packets', (f) => f.srv2cli.packets],
  ['srv2cli_bytes', (f) => f.srv2cli.bytes],
  ['l7', (f) => f.l7],
  ['category', (f) => f.category],
  ['server_name', (f) => f.server_name],
  ['risks', (f) => f.risks.join(';')],
  ['score', (f) => f.score],
  ['community_id', (f) => f.community_id],
  ['client_name', (f) => f.client_name],
  ['server_host_name', (f) => f.server_host_name],
];

/** RFC 4180 field; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
function csvField(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

@ApiTags('history')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('history')
export class HistoryController {
  constructor(private readonly service: HistoryService) {}

  /** Stored flow records meeting the range, filtered, sorted, paged; CSV / NDJSON by `format=` or `Accept`. */
  @Get('flows')
  @ApiOperation({ summary: 'Stored flow records in a time range (JSON, CSV or NDJSON)' })
  @ApiProduces('application/json', 'text/csv', 'application/x-ndjson')
  @ApiOkResponse({ description: 'stored flow records (fields: api/history.types.ts HistoryFlow); CSV or NDJSON when asked', schema: { type: 'array', items: { type: 'object', additionalProperties: true } } })
  async flows(@Query() query: HistoryFlowQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const accept = req.headers.accept ?? '';
    const format = query.format ?? (accept.includes('text/csv') ? 'csv' : accept.includes('application/x-ndjson') ? 'ndjson' : 'json');
    if (format === 'json') {
      res.json(await this.service.flows(query, false));
      return;
    }
    const pages = this.service.exportFlows(query);
    // The first page is read before the headers go out, so a bad query is still a 4xx.
    const first = await pages.next();
    res.status(200);
    res.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    if (format === 'csv') {
      res.setHeader('content-disposition', 'attachment; filename="flows.csv"');
      res.write(`${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`);
    }
    const write = (page: HistoryFlow[]) =>
      res.write(
        format === 'csv'
          ? page.map((f) => `${CSV_COLUMNS.map(([, get]) => csvField(get(f))).join(',')}\r\n`).join('')
          : page.map((f) => `${JSON.stringify(f)}\n`).join(''),
      );
    try {
      if (!first.done) write(first.value);
      for await (const page of pages) write(page);
    } finally {
      res.end();
    }
  }

  /** Top hosts, host pairs, applications, ports or server names over the range, by bytes, packets or flows. */
  @Get('top')
  @ApiOperation({ summary: 'Top hosts, applications or ports over a time range' })
  @ApiOkResponse({ type: HistoryTopResponseSchema })
  top(@Query() query: HistoryTopQueryDto): Promise<HistoryTopResponse> {
    return this.service.top(query);
  }

  /** Bytes over time by application or host, stacked (top keys plus other). */
  @Get('series')
  @ApiOperation({ summary: 'Traffic series over a time range, from the rollups' })
  @ApiOkResponse({ type: HistorySeriesResponseSchema })
  series(@Query() query: HistorySeriesQueryDto): Promise<HistorySeriesResponse> {
    return this.service.series(query);
  }

  /** The probes writing into the store (a shared ClickHouse: the fleet), their records and latest record over a range. */
  @Get('probes')
  @ApiOperation({ summary: 'Probes writing into the flow history: records, bytes and latest record over a time range' })
  @ApiOkResponse({ type: HistoryProbesResponseSchema })
  probes(@Query() query: HistoryRangeDto): Promise<HistoryProbesResponse> {
    return this.service.probes(query);
  }

  /** Disk used against the budget, days kept, what retention dropped last. */
  @Get('usage')
  @ApiOperation({ summary: 'Disk used by the flow history and what retention removed' })
  @ApiOkResponse({ description: 'Disk use of the history store', type: HistoryUsageSchema })
  usage(): Promise<HistoryUsage> {
    return this.service.usage();
  }
}
