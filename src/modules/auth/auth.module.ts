import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccountsModule } from '../accounts/accounts.module';
import { ApiKeyStrategy } from './api-key.strategy';
import { AuthenticationGuard } from './authentication.guard';

@Module({
  imports: [PassportModule, AccountsModule],
  providers: [ApiKeyStrategy, { provide: APP_GUARD, useClass: AuthenticationGuard }],
})
export class AuthModule {}
