import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IpfixCollectorViewSchema } from '../api/api-schemas';
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
  @ApiOperation({ summary: 'IPFIX collectors with their exporter counters' })
  @ApiOkResponse({ type: [IpfixCollectorViewSchema] })
  list(): Promise<IpfixCollectorView[]> {
    return this.service.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One IPFIX collector' })
  @ApiOkResponse({ type: IpfixCollectorViewSchema })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<IpfixCollectorView> {
    return this.service.get(id);
  }

  @Post()
  @ApiOperation({ summary: 'Add an IPFIX collector (admin)' })
  @Roles('admin')
  @ApiCreatedResponse({ type: IpfixCollectorViewSchema })
  create(@Body() dto: IpfixCollectorDto): Promise<IpfixCollectorView> {
    return this.service.create(dto);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Change an IPFIX collector (admin)' })
  @Roles('admin')
  @ApiOkResponse({ type: IpfixCollectorViewSchema })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: IpfixCollectorDto): Promise<IpfixCollectorView> {
    return this.service.update(id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete an IPFIX collector (admin)' })
  @Roles('admin')
  @HttpCode(204)
  delete(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.service.delete(id);
  }
}
