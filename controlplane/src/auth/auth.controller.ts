import { Body, Controller, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { LoginResponseSchema, UserInfoSchema } from '../api/api-schemas';
import type { Response } from 'express';
import type { LoginResponse, MeResponse } from '../api';
import { UsersService } from '../users/users.service';
import { AllowPasswordChangePending, Auth, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { SESSION_COOKIE, type AuthUser } from './auth-user';
import { LoginDto } from './dto/login.dto';

/** Login (session cookie), logout and who-am-I. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  /** Rate-limited per client IP (ThrottlerModule `login` limit): 429 beyond it. */
  @Post('login')
  @ApiOkResponse({ type: LoginResponseSchema })
  @Public()
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async login(@Body() dto: LoginDto, @Res({ passthrough: true }) res: Response): Promise<LoginResponse> {
    const { secret, response } = await this.auth.login(dto.username, dto.password);
    res.cookie(SESSION_COOKIE, secret, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.auth.secureCookie,
      path: '/',
      maxAge: this.auth.sessionTtlSeconds * 1000,
    });
    return response;
  }

  @Post('logout')
  @HttpCode(204)
  @AllowPasswordChangePending()
  async logout(@Auth() auth: AuthUser, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(auth.sessionHash);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' });
  }

  @Get('me')
  @ApiOkResponse({ type: UserInfoSchema })
  @AllowPasswordChangePending()
  me(@Auth() auth: AuthUser): Promise<MeResponse> {
    return this.users.me(auth);
  }
}
