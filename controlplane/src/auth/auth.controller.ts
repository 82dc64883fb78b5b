import { Body, Controller, Get, HttpCode, HttpException, HttpStatus, Post, Req, Res, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { FirstRunHintSchema, LoginResponseSchema, UserInfoSchema } from '../api/api-schemas';
import type { Request, Response } from 'express';
import type { FirstRunHint, LoginResponse, MeResponse } from '../api';
import { AllowPasswordChangePending, Auth, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { SESSION_COOKIE, type AuthUser } from './auth-user';
import { LoginDto } from './dto/login.dto';
import { LoginThrottle } from './login-throttle';

/** Login (session cookie), logout and who-am-I. */
@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly throttle: LoginThrottle,
  ) {}

  /**
   * Rate-limited per client IP (ThrottlerModule limit) and per account
   * ({@link LoginThrottle}): 429 with `Retry-After` beyond either.
   */
  @Post('login')
  @ApiOperation({ summary: 'Sign in: sets the session cookie' })
  @ApiOkResponse({ type: LoginResponseSchema })
  @Public()
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  async login(@Body() dto: LoginDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<LoginResponse> {
    const address = req.socket.remoteAddress ?? '';
    const waitMs = this.throttle.retryAfterMs(dto.username, address);
    if (waitMs > 0) {
      res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
      throw new HttpException('Too many failed logins for this account; try again later', HttpStatus.TOO_MANY_REQUESTS);
    }
    let login: Awaited<ReturnType<AuthService['login']>>;
    try {
      login = await this.auth.login(dto.username, dto.password);
    } catch (err) {
      if (err instanceof UnauthorizedException) this.throttle.failed(dto.username);
      throw err;
    }
    this.throttle.succeeded(dto.username, address);
    const { secret, response } = login;
    res.cookie(SESSION_COOKIE, secret, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.auth.secureCookie,
      path: '/',
      maxAge: this.auth.sessionTtlSeconds * 1000,
    });
    return response;
  }

  /** For the sign-in page of a fresh install: says where the first password is, never the password. */
  @Get('first-run')
  @ApiOperation({ summary: 'Where the first admin password is, while it is unchanged (no login)' })
  @ApiOkResponse({ type: FirstRunHintSchema })
  @Public()
  firstRun(): Promise<FirstRunHint> {
    return this.auth.firstRun();
  }

  @Post('logout')
  @ApiOperation({ summary: 'Sign out: ends the session' })
  @HttpCode(204)
  @AllowPasswordChangePending()
  async logout(@Auth() auth: AuthUser, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(auth.sessionHash);
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/' });
  }

  @Get('me')
  @ApiOperation({ summary: 'Who is signed in (session or token)' })
  @ApiOkResponse({ type: UserInfoSchema })
  @AllowPasswordChangePending()
  me(@Auth() auth: AuthUser): Promise<MeResponse> {
    return this.auth.me(auth);
  }
}
