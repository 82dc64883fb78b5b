import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { UserInfoSchema } from '../api/api-schemas';
import type { ApiTokenInfo, CreateTokenResponse, UserInfo } from '../api';
import { AllowPasswordChangePending, Auth, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/auth-user';
import { ChangePasswordDto, CreateTokenDto, CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { UsersService } from './users.service';

/** The caller's own account: password and API tokens. */
@ApiTags('users')
@ApiCookieAuth()
@ApiBearerAuth()
@Controller('users/me')
export class MeController {
  constructor(private readonly service: UsersService) {}

  @Get()
  @AllowPasswordChangePending()
  @ApiOkResponse({ type: UserInfoSchema })
  me(@Auth() auth: AuthUser): Promise<UserInfo> {
    return this.service.me(auth);
  }

  @Post('password')
  @HttpCode(204)
  @AllowPasswordChangePending()
  changePassword(@Auth() auth: AuthUser, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.service.changePassword(auth, dto);
  }

  @Get('tokens')
  listTokens(@Auth() auth: AuthUser): Promise<ApiTokenInfo[]> {
    return this.service.listTokens(auth);
  }

  @Post('tokens')
  createToken(@Auth() auth: AuthUser, @Body() dto: CreateTokenDto): Promise<CreateTokenResponse> {
    return this.service.createToken(auth, dto);
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  deleteToken(@Auth() auth: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.service.deleteToken(auth, id);
  }
}

/** Users CRUD, admin only. */
@ApiTags('users')
@ApiCookieAuth()
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly service: UsersService) {}

  @Get()
  @ApiOkResponse({ type: [UserInfoSchema] })
  list(): Promise<UserInfo[]> {
    return this.service.list();
  }

  @Post()
  create(@Body() dto: CreateUserDto): Promise<UserInfo> {
    return this.service.create(dto);
  }

  @Get(':id')
  get(@Param('id', ParseIntPipe) id: number): Promise<UserInfo> {
    return this.service.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateUserDto): Promise<UserInfo> {
    return this.service.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Auth() auth: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.service.delete(auth, id);
  }

  /** The user's API tokens (name, prefix, dates; never the secret). */
  @Get(':id/tokens')
  listTokens(@Param('id', ParseIntPipe) id: number): Promise<ApiTokenInfo[]> {
    return this.service.listTokensOf(id);
  }

  /** Revokes every API token of the user. */
  @Delete(':id/tokens')
  @HttpCode(204)
  revokeAllTokens(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.service.revokeAllTokensOf(id);
  }

  /** Revokes one API token of the user. */
  @Delete(':id/tokens/:tokenId')
  @HttpCode(204)
  revokeToken(@Param('id', ParseIntPipe) id: number, @Param('tokenId', ParseIntPipe) tokenId: number): Promise<void> {
    return this.service.revokeTokenOf(id, tokenId);
  }
}
