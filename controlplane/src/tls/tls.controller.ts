import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiTags } from '@nestjs/swagger';
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
  info(): TlsInfo {
    return this.service.info();
  }

  /** 400 with every problem (parse, key mismatch, expired); the key is stored, never returned. */
  @Put()
  @Roles('admin')
  replace(@Body() dto: TlsUploadDto): TlsInfo {
    return this.service.replace(dto);
  }
}
