import { DynamicModule, Global, Module } from '@nestjs/common';
import type { WhatsAppSimulator } from '../simulator';
import { AuthStateRepository } from './auth-state/auth-state.repository';
import { BaileysSessionManager } from './baileys/baileys-session-manager';
import { BaileysSockets } from './baileys/baileys-sockets';
import { BaileysBlocklist } from './baileys/ops/baileys-blocklist';
import { CallTracker } from './baileys/call-tracker';
import { BaileysCalls } from './baileys/ops/baileys-calls';
import { BaileysChats } from './baileys/ops/baileys-chats';
import { BaileysCommunities } from './baileys/ops/baileys-communities';
import { BaileysPresence } from './baileys/ops/baileys-presence';
import { BaileysContacts } from './baileys/ops/baileys-contacts';
import { BaileysGroups } from './baileys/ops/baileys-groups';
import { BaileysLabels } from './baileys/ops/baileys-labels';
import { BaileysBusiness } from './baileys/ops/baileys-business';
import { GroupMetadataCache } from './baileys/group-metadata-cache';
import { BaileysMessaging } from './baileys/ops/baileys-messaging';
import { BaileysNewsletters } from './baileys/ops/baileys-newsletters';
import { BaileysPrivacy } from './baileys/ops/baileys-privacy';
import { BaileysProfile } from './baileys/ops/baileys-profile';
import { BaileysStories } from './baileys/ops/baileys-stories';
import { WaVersion } from './baileys/wa-version';
import { BlocklistPort } from './ports/blocklist.port';
import { CallsPort } from './ports/calls.port';
import { ChatsPort } from './ports/chats.port';
import { CommunitiesPort } from './ports/communities.port';
import { PresencePort } from './ports/presence.port';
import { ContactsPort } from './ports/contacts.port';
import { GroupsPort } from './ports/groups.port';
import { LabelsPort } from './ports/labels.port';
import { BusinessPort } from './ports/business.port';
import { MessagingPort } from './ports/messaging.port';
import { NewslettersPort } from './ports/newsletters.port';
import { PrivacyPort } from './ports/privacy.port';
import { ProfilePort } from './ports/profile.port';
import { StoriesPort } from './ports/stories.port';
import { SANDBOX_SIMULATOR, SandboxNetwork } from './sandbox/sandbox-network';
import { SandboxStateRepository } from './sandbox/sandbox-state.repository';
import { SessionManager } from './session-manager';
import { newWorkerId, WORKER_ID } from './worker-id';
import { WorkerRegistry } from './worker-registry';

/** Each port (the DI token modules inject) and the Baileys implementation behind it. */
const PORTS = [
  { provide: SessionManager, useExisting: BaileysSessionManager },
  { provide: MessagingPort, useExisting: BaileysMessaging },
  { provide: ChatsPort, useClass: BaileysChats },
  { provide: ContactsPort, useClass: BaileysContacts },
  { provide: ProfilePort, useClass: BaileysProfile },
  { provide: PrivacyPort, useClass: BaileysPrivacy },
  { provide: BlocklistPort, useClass: BaileysBlocklist },
  { provide: GroupsPort, useClass: BaileysGroups },
  { provide: CommunitiesPort, useClass: BaileysCommunities },
  { provide: CallsPort, useClass: BaileysCalls },
  { provide: PresencePort, useClass: BaileysPresence },
  { provide: LabelsPort, useClass: BaileysLabels },
  { provide: NewslettersPort, useClass: BaileysNewsletters },
  { provide: StoriesPort, useClass: BaileysStories },
  { provide: BusinessPort, useClass: BaileysBusiness },
];

const PROVIDERS = [
  { provide: WORKER_ID, useFactory: newWorkerId },
  AuthStateRepository,
  SandboxNetwork,
  SandboxStateRepository,
  WaVersion,
  BaileysSockets,
  GroupMetadataCache,
  CallTracker,
  BaileysMessaging,
  BaileysSessionManager,
  WorkerRegistry,
  ...PORTS,
];

/**
 * The WhatsApp engine: sockets, their encrypted auth state, the capability ports, the sandbox network, and this
 * process' entry in the worker registry.
 */
@Global()
@Module({})
export class EngineModule {
  static forRoot(sandboxSimulator?: WhatsAppSimulator): DynamicModule {
    return {
      module: EngineModule,
      providers: [{ provide: SANDBOX_SIMULATOR, useValue: sandboxSimulator ?? null }, ...PROVIDERS],
      exports: [...PORTS.map((port) => port.provide), SandboxNetwork, WORKER_ID, WorkerRegistry],
    };
  }
}
