import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TlsInfoSchema } from '../api/api-schemas';
import type { TlsInfo } from '../api';
import { Roles } from '../auth/auth.decorators';
import { TlsUploadDto } from './dto/tls-upload.dto';
import { TlsService } from './tls.service';

@ApiTags('system')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('system/tls')
export class TlsController {
  constructor(private readonly service: TlsService) {}

  @Get()
  @ApiOperation({ summary: 'The HTTPS certificate (never the key)' })
  @ApiOkResponse({ type: TlsInfoSchema })
  info(): TlsInfo {
    return this.service.info();
  }

  /** 400 with every problem (parse, key mismatch, expired); the key is stored, never returned. */
  @Put()
  @ApiOperation({ summary: 'Replace the HTTPS certificate and key (admin; no restart)' })
  @Roles('admin')
  @ApiOkResponse({ type: TlsInfoSchema })
  replace(@Body() dto: TlsUploadDto): TlsInfo {
    return this.service.replace(dto);
  }
}
