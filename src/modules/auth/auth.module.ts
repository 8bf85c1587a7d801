import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { AuthenticationGuard } from './authentication.guard';

@Module({})
export class AuthModule {
  /** `keysFrom`: the module that exports the `ApiKeyLookup` (the accounts module, which owns the keys). */
  static forRoot(options: { keysFrom: NonNullable<ModuleMetadata['imports']>[number] }): DynamicModule {
    return {
      module: AuthModule,
      imports: [options.keysFrom],
      // Not a global guard by itself: RequestGuard (app.guard.ts) runs it first, then the rate limit.
      providers: [AuthenticationGuard],
      exports: [AuthenticationGuard],
    };
  }
}
