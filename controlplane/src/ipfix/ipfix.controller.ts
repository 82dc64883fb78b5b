import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import type { IpfixCollectorView } from '../api/ipfix.types';
import { IpfixCollectorDto } from './dto/ipfix-collector.dto';
import { IpfixService } from './ipfix.service';

/** IPFIX collectors: any role reads (with exporter counters), admins write. */
@ApiTags('ipfix')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('ipfix/collectors')
export class IpfixController {
  constructor(private readonly service: IpfixService) {}

  @Get()
  list(): Promise<IpfixCollectorView[]> {
    return this.service.list();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<IpfixCollectorView> {
    return this.service.get(id);
  }

  @Post()
  @Roles('admin')
  create(@Body() dto: IpfixCollectorDto): Promise<IpfixCollectorView> {
    return this.service.create(dto);
  }

  @Put(':id')
  @Roles('admin')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: IpfixCollectorDto): Promise<IpfixCollectorView> {
    return this.service.update(id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.delete(id);
  }
}
