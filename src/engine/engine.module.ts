import { Global, Module } from '@nestjs/common';
import { AuthStateRepository } from './auth-state/auth-state.repository';
import { BaileysSessionManager } from './baileys/baileys-session-manager';
import { SandboxNetwork } from './sandbox/sandbox-network';
import { SessionManager } from './session-manager';
import { newWorkerId, WORKER_ID } from './worker-id';

/** The WhatsApp engine: sockets, their encrypted auth state, and the sandbox network. */
@Global()
@Module({
  providers: [
    { provide: WORKER_ID, useFactory: newWorkerId },
    AuthStateRepository,
    SandboxNetwork,
    BaileysSessionManager,
    { provide: SessionManager, useExisting: BaileysSessionManager },
  ],
  exports: [SessionManager, SandboxNetwork, WORKER_ID],
})
export class EngineModule {}
