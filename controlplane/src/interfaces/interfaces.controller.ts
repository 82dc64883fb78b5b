import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: [InterfaceInfoSchema] })
  list(): Promise<InterfaceInfo[]> {
    return this.service.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: InterfaceInfoSchema })
  get(@Param('id', ParseIntPipe) id: number): Promise<InterfaceInfo> {
    return this.service.get(id);
  }
}
