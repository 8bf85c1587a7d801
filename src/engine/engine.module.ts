import { DynamicModule, Global, Module } from '@nestjs/common';
import type { WhatsAppSimulator } from '../simulator';
import { AuthStateRepository } from './auth-state/auth-state.repository';
import { BaileysSessionManager } from './baileys/baileys-session-manager';
import { BaileysSockets } from './baileys/baileys-sockets';
import { CallTracker } from './baileys/call-tracker';
import { GroupMetadataCache } from './baileys/group-metadata-cache';
import { WaVersion } from './baileys/wa-version';
import { SANDBOX_SIMULATOR, SandboxNetwork } from './sandbox/sandbox-network';
import { CallRouter } from './calls/call-router';
import { ChannelOwners } from './calls/channel-owners';
import { WorkerCalls } from './calls/worker-calls';
import { ROUTED_PORTS } from './routed-ports';
import { SandboxStateRepository } from './sandbox/sandbox-state.repository';
import { SessionManager } from './session-manager';
import { newWorkerId, WORKER_ID } from './worker-id';
import { WorkerRegistry } from './worker-registry';
import { ChannelLeases } from './channel-leases';

const PROVIDERS = [
  { provide: WORKER_ID, useFactory: newWorkerId },
  AuthStateRepository,
  SandboxNetwork,
  SandboxStateRepository,
  WaVersion,
  BaileysSockets,
  GroupMetadataCache,
  CallTracker,
  ChannelLeases,
  BaileysSessionManager,
  WorkerRegistry,
  WorkerCalls,
  ChannelOwners,
  CallRouter,
  { provide: SessionManager, useExisting: BaileysSessionManager },
  ...ROUTED_PORTS.flatMap((port) => port.providers),
];

/**
 * The WhatsApp engine: sockets, their encrypted auth state, the capability ports (routed to the process holding
 * the channel's socket), the sandbox network, this process' entry in the worker registry, its channel leases
 * and its calls inbox.
 */
@Global()
@Module({})
export class EngineModule {
  static forRoot(sandboxSimulator?: WhatsAppSimulator): DynamicModule {
    return {
      module: EngineModule,
      providers: [{ provide: SANDBOX_SIMULATOR, useValue: sandboxSimulator ?? null }, ...PROVIDERS],
      exports: [
        SessionManager,
        ...ROUTED_PORTS.map((port) => port.token),
        SandboxNetwork,
        WORKER_ID,
        WorkerRegistry,
        WorkerCalls,
        ChannelOwners,
        ChannelLeases,
      ],
    };
  }
}
