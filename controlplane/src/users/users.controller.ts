import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiTokenInfoSchema, CreateTokenResponseSchema, UserInfoSchema } from '../api/api-schemas';
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
  @ApiOperation({ summary: 'The signed-in user' })
  @AllowPasswordChangePending()
  @ApiOkResponse({ type: UserInfoSchema })
  me(@Auth() auth: AuthUser): Promise<UserInfo> {
    return this.service.me(auth);
  }

  @Post('password')
  @ApiOperation({ summary: "Change the signed-in user's password" })
  @HttpCode(204)
  @AllowPasswordChangePending()
  changePassword(@Auth() auth: AuthUser, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.service.changePassword(auth, dto);
  }

  @Get('tokens')
  @ApiOperation({ summary: "The signed-in user's API tokens" })
  @ApiOkResponse({ type: [ApiTokenInfoSchema] })
  listTokens(@Auth() auth: AuthUser): Promise<ApiTokenInfo[]> {
    return this.service.listTokens(auth);
  }

  @Post('tokens')
  @ApiOperation({ summary: 'Create an API token (its secret is shown once)' })
  @ApiCreatedResponse({ type: CreateTokenResponseSchema })
  createToken(@Auth() auth: AuthUser, @Body() dto: CreateTokenDto): Promise<CreateTokenResponse> {
    return this.service.createToken(auth, dto);
  }

  @Delete('tokens/:id')
  @ApiOperation({ summary: 'Revoke one of my API tokens' })
  @HttpCode(204)
  @ApiParam({ name: 'id', type: 'integer' })
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
  @ApiOperation({ summary: 'List users (admin)' })
  @ApiOkResponse({ type: [UserInfoSchema] })
  list(): Promise<UserInfo[]> {
    return this.service.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiCreatedResponse({ type: UserInfoSchema })
  create(@Body() dto: CreateUserDto): Promise<UserInfo> {
    return this.service.create(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user (admin)' })
  @ApiParam({ name: 'id', type: 'integer' })
  @ApiOkResponse({ type: UserInfoSchema })
  get(@Param('id', ParseIntPipe) id: number): Promise<UserInfo> {
    return this.service.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change a user's role, password or state (admin)" })
  @ApiParam({ name: 'id', type: 'integer' })
  @ApiOkResponse({ type: UserInfoSchema })
  update(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateUserDto): Promise<UserInfo> {
    return this.service.update(id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a user (admin; never the last admin)' })
  @HttpCode(204)
  @ApiParam({ name: 'id', type: 'integer' })
  delete(@Auth() auth: AuthUser, @Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.service.delete(auth, id);
  }

  /** The user's API tokens (name, prefix, dates; never the secret). */
  @Get(':id/tokens')
  @ApiOperation({ summary: "A user's API tokens (admin)" })
  @ApiParam({ name: 'id', type: 'integer' })
  @ApiOkResponse({ type: [ApiTokenInfoSchema] })
  listTokens(@Param('id', ParseIntPipe) id: number): Promise<ApiTokenInfo[]> {
    return this.service.listTokensOf(id);
  }

  /** Revokes every API token of the user. */
  @Delete(':id/tokens')
  @ApiOperation({ summary: 'Revoke every API token of a user (admin)' })
  @HttpCode(204)
  @ApiParam({ name: 'id', type: 'integer' })
  revokeAllTokens(@Param('id', ParseIntPipe) id: number): Promise<void> {
    return this.service.revokeAllTokensOf(id);
  }

  /** Revokes one API token of the user. */
  @Delete(':id/tokens/:tokenId')
  @ApiOperation({ summary: 'Revoke one API token of a user (admin)' })
  @HttpCode(204)
  @ApiParam({ name: 'id', type: 'integer' })
  @ApiParam({ name: 'tokenId', type: 'integer' })
  revokeToken(@Param('id', ParseIntPipe) id: number, @Param('tokenId', ParseIntPipe) tokenId: number): Promise<void> {
    return this.service.revokeTokenOf(id, tokenId);
  }
}
