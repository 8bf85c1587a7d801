import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { EgressGuard } from './egress-guard';

/** Closes the guard's keep-alive sockets when the application stops. */
@Injectable()
class EgressGuardLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EgressGuard) private readonly guard: EgressGuard) {}

  onApplicationShutdown(): void {
    this.guard.destroy();
  }
}

/** Provides the one EgressGuard of the application, configured with EGRESS_ALLOWED_HOSTS. */
@Global()
@Module({
  providers: [
    {
      provide: EgressGuard,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new EgressGuard({ allowedHosts: config.egressAllowedHosts }),
    },
    EgressGuardLifecycle,
  ],
  exports: [EgressGuard],
})
export class EgressModule {}
