import { Controller, Get, Param, ParseIntPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import type { InterfaceInfo } from '../api/api-types';
import { InterfacesService } from './interfaces.service';

@ApiTags('interfaces')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('interfaces')
export class InterfacesController {
  constructor(private readonly service: InterfacesService) {}

  @Get()
  list(): InterfaceInfo[] {
    return this.service.list();
  }

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number): InterfaceInfo {
    return this.service.get(id);
  }
}
