import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { TlsUploadRequest } from '../../api';
import { MAX_PEM_BYTES } from '../certificate-store';

export class TlsUploadDto implements TlsUploadRequest {
  @ApiProperty({ description: 'PEM certificate chain, leaf first' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_PEM_BYTES)
  certificate!: string;

  @ApiProperty({ description: 'PEM private key of the leaf, unencrypted; stored 0600, never returned', writeOnly: true })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_PEM_BYTES)
  private_key!: string;
}
