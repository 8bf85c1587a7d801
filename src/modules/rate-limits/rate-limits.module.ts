import { Module } from '@nestjs/common';
import { LimitsController } from './limits.controller';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitsService } from './rate-limits.service';

@Module({
  controllers: [LimitsController],
  // Not a global guard by itself: RequestGuard (app.guard.ts) runs it after authentication.
  providers: [RateLimitsService, RateLimitGuard],
  exports: [RateLimitsService, RateLimitGuard],
})
export class RateLimitsModule {}
