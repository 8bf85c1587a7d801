import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AccountsModule } from '../accounts/accounts.module';
import { ApiKeyStrategy } from './api-key.strategy';
import { AuthenticationGuard } from './authentication.guard';

@Module({
  imports: [PassportModule, AccountsModule],
  // Not a global guard by itself: RequestGuard (app.guard.ts) runs it first, then the rate limit.
  providers: [ApiKeyStrategy, AuthenticationGuard],
  exports: [AuthenticationGuard],
})
export class AuthModule {}
