import { DynamicModule, Global, Module } from '@nestjs/common';
import type { WhatsAppSimulator } from '../simulator';
import { AuthStateRepository } from './auth-state/auth-state.repository';
import { BaileysSessionManager } from './baileys/baileys-session-manager';
import { SANDBOX_SIMULATOR, SandboxNetwork } from './sandbox/sandbox-network';
import { SessionManager } from './session-manager';
import { newWorkerId, WORKER_ID } from './worker-id';

const PROVIDERS = [
  { provide: WORKER_ID, useFactory: newWorkerId },
  AuthStateRepository,
  SandboxNetwork,
  BaileysSessionManager,
  { provide: SessionManager, useExisting: BaileysSessionManager },
];

/** The WhatsApp engine: sockets, their encrypted auth state, and the sandbox network. */
@Global()
@Module({})
export class EngineModule {
  static forRoot(sandboxSimulator?: WhatsAppSimulator): DynamicModule {
    return {
      module: EngineModule,
      providers: [
        { provide: SANDBOX_SIMULATOR, useValue: sandboxSimulator ?? null },
        ...PROVIDERS,
      ],
      exports: [SessionManager, SandboxNetwork, WORKER_ID],
    };
  }
}
