import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { InterfaceInfoSchema } from '../api/api-schemas';
import type { InterfaceInfo } from '../api';
import { InterfacesService } from './interfaces.service';

@ApiTags('interfaces')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('interfaces')
export class InterfacesController {
  constructor(private readonly service: InterfacesService) {}

  @Get()
  @ApiOperation({ summary: 'Capture interfaces with their counters' })
  @ApiOkResponse({ type: [InterfaceInfoSchema] })
  list(): Promise<InterfaceInfo[]> {
    return this.service.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One capture interface with its counters and queues' })
  @ApiOkResponse({ type: InterfaceInfoSchema })
  @ApiParam({ name: 'id', type: 'integer' })
  get(@Param('id', ParseIntPipe) id: number): Promise<InterfaceInfo> {
    return this.service.get(id);
  }
}
