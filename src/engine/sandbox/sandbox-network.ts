import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  type CommunityInfo,
  type GroupAddPrivacy,
  type GroupInfo,
  GroupRefusal,
  type GroupSetting,
  type MediaClient,
  type MemberOutcome,
  type NewsletterInfo,
  NewsletterRefusal,
  type ParticipantAction,
  localSimulatorApi,
  RemoteSimulator,
  SIMULATOR_API_METHODS,
  type SimulatorApi,
  SimulatorUnreachable,
  WhatsAppSimulator,
} from '../../simulator';
import { APP_CONFIG, type AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { SandboxStateRepository } from './sandbox-state.repository';
import { toGroupAppError } from '../baileys/baileys-errors';
import { toNewsletterAppError, whatsappRefusal } from '../baileys/baileys-newsletter-mapping';
import { fromWire, PRIVACY_WIRE_NAMES } from '../baileys/ops/baileys-privacy';
import type { PrivacyCategory, PrivacyChange, PrivacySettings } from '../ports/privacy.port';

/**
 * The WhatsApp network that test-mode channels connect to: the project's simulator, either a shared service
 * every gateway process reaches at SANDBOX_URL (its control API), or, without it, one started in this process
 * on first use. Sandbox endpoints drive its phones and contacts through the same asynchronous interface
 * (SimulatorApi) either way.
 */
export const SANDBOX_SIMULATOR = Symbol('SANDBOX_SIMULATOR');

/** The simulator in use, and what this process must close of it: the one it started, or its connections to the shared one. */
interface Reached {
  simulator: SimulatorApi;
  media: MediaClient;
  embedded?: WhatsAppSimulator;
  remote?: RemoteSimulator;
}

@Injectable()
export class SandboxNetwork implements OnApplicationShutdown {
  private readonly logger = new Logger(SandboxNetwork.name);
  private starting?: Promise<Reached>;
  /** The phone each channel's pair code was requested for: the one that enters the code. */
  private readonly pairingPhones = new Map<string, string>();

  /** A pair code was requested for `phone`: make sure the simulated phone exists, and remember it. */
  async preparePairing(channelId: string, phone: string): Promise<void> {
    await (await this.simulator()).createPhone(phone);
    this.pairingPhones.set(channelId, phone);
  }

  pairingPhoneOf(channelId: string): string | undefined {
    return this.pairingPhones.get(channelId);
  }

  /** Given a simulator, the sandbox uses it and leaves its lifetime to the giver. */
  constructor(
    @Inject(SANDBOX_SIMULATOR) private readonly provided: WhatsAppSimulator | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly state: SandboxStateRepository,
  ) {}

  /** The running simulator (reached, or started, now if it is not yet). */
  async simulator(): Promise<SimulatorApi> {
    return (await this.ensure()).simulator;
  }

  /** What a Baileys socket needs to reach it: its URL and a media client trusting its media host only. */
  async connection(): Promise<{ url: string; media: MediaClient }> {
    const { simulator, media } = await this.ensure();
    return { url: simulator.url, media };
  }

  // Simulated people acting in groups, for the sandbox routes. Phones are E.164 numbers (or digits); groups
  // are `…@g.us` jids. WhatsApp's refusals (not a member, not an admin, unknown or revoked invite code…)
  // throw the same AppErrors, with the same `details.reason`, as the channel's own group requests.

  /** `phone` creates a group with the others; members whose privacy refused the add are in `refused`. */
  groupCreatedBy(phone: string, subject: string, memberPhones: string[]): Promise<GroupInfo & { refused: MemberOutcome[] }> {
    return this.asPerson('groups.create', (sim) => sim.createGroup(phone, subject, memberPhones));
  }

  /** `phone` adds, removes, promotes or demotes members; each member's outcome in `outcomes`. */
  changeGroupMembersAs(
    phone: string,
    groupJid: string,
    action: ParticipantAction,
    memberPhones: string[],
  ): Promise<GroupInfo & { outcomes: MemberOutcome[] }> {
    return this.asPerson('groups.changeMembers', (sim) => sim.updateGroupParticipants(groupJid, phone, action, memberPhones));
  }

  setGroupSubjectAs(phone: string, groupJid: string, subject: string): Promise<GroupInfo> {
    return this.asPerson('groups.setSubject', (sim) => sim.setGroupSubject(groupJid, phone, subject));
  }

  /** null removes the description. */
  setGroupDescriptionAs(phone: string, groupJid: string, description: string | null): Promise<GroupInfo> {
    return this.asPerson('groups.setDescription', (sim) => sim.setGroupDescription(groupJid, phone, description));
  }

  /** One setting: `{ announce }`, `{ locked }`, `{ ephemeral: seconds }`, `{ memberAddMode }` or `{ joinApproval }`. */
  changeGroupSettingAs(phone: string, groupJid: string, setting: GroupSetting): Promise<GroupInfo> {
    return this.asPerson('groups.changeSetting', (sim) => sim.changeGroupSetting(groupJid, phone, setting));
  }

  /** Sets the group's icon (JPEG bytes), or removes it with null. */
  setGroupPictureAs(phone: string, groupJid: string, jpeg: Buffer | null): Promise<GroupInfo> {
    return this.asPerson('groups.setPicture', (sim) => sim.setGroupPicture(groupJid, phone, jpeg));
  }

  leaveGroupAs(phone: string, groupJid: string): Promise<void> {
    return this.asPerson('groups.leave', (sim) => sim.leaveGroup(groupJid, phone));
  }

  /** `phone` writes text in the group; answers the message id. */
  sendToGroupAs(phone: string, groupJid: string, text: string): Promise<string> {
    return this.asPerson('groups.send', (sim) => sim.sendToGroup(phone, groupJid, { type: 'text', text }));
  }

  /** The group's invite code, as its admin `phone` reads it. */
  groupInviteCodeAs(phone: string, groupJid: string): Promise<string> {
    return this.asPerson('groups.inviteCode', (sim) => sim.groupInviteCode(groupJid, phone));
  }

  /** `phone` opens an invite link: joins, or waits for an admin when the group wants approval. */
  askToJoinGroup(phone: string, code: string): Promise<{ group: string; status: 'joined' | 'pending_approval' }> {
    return this.asPerson('groups.acceptInvite', (sim) => sim.joinGroupByInvite(phone, code), 'already_member');
  }

  /** `phone` accepts the private invitation the channel sent it (after its privacy refused an add). */
  acceptGroupInvitationAs(phone: string, groupJid: string, code: string): Promise<GroupInfo> {
    return this.asPerson('groups.acceptInvitation', (sim) => sim.acceptGroupInvitation(phone, groupJid, code), 'already_member');
  }

  /** An admin `phone` approves or rejects pending requests to join. */
  answerGroupJoinRequestsAs(
    phone: string,
    groupJid: string,
    requesterPhones: string[],
    answer: 'approve' | 'reject',
  ): Promise<MemberOutcome[]> {
    return this.asPerson('groups.answerJoinRequests', (sim) => sim.answerGroupJoinRequests(groupJid, phone, requesterPhones, answer));
  }

  /** `phone` creates a community (WhatsApp adds its announcement group) and adds the others to it. */
  communityCreatedBy(
    phone: string,
    subject: string,
    description: string | null,
    memberPhones: string[],
  ): Promise<CommunityInfo & { refused: MemberOutcome[] }> {
    return this.asPerson('communities.create', (sim) => sim.createCommunity(phone, subject, description, memberPhones));
  }

  /** `phone`, a community admin, adds, removes (from every linked group too), promotes or demotes members. */
  changeCommunityMembersAs(
    phone: string,
    communityJid: string,
    action: ParticipantAction,
    memberPhones: string[],
  ): Promise<CommunityInfo & { outcomes: MemberOutcome[] }> {
    return this.asPerson('communities.changeMembers', (sim) => sim.updateCommunityParticipants(communityJid, phone, action, memberPhones));
  }

  /** `phone`, a community admin, creates a group in the community with the others in it. */
  communityGroupCreatedBy(phone: string, communityJid: string, subject: string, memberPhones: string[]): Promise<GroupInfo> {
    return this.asPerson('communities.createGroup', (sim) => sim.createCommunityGroup(communityJid, phone, subject, memberPhones));
  }

  /** A community as the simulated network holds it; undefined if none. */
  async community(communityJid: string): Promise<CommunityInfo | undefined> {
    return (await this.simulator()).community(communityJid);
  }

  /** Who may add `phone` to groups (WhatsApp's "Groups" privacy); with 'contacts', the phones in `contacts`. */
  async setGroupAddPrivacy(phone: string, privacy: GroupAddPrivacy, contacts: string[] = []): Promise<void> {
    await (await this.simulator()).setGroupAddPrivacy(phone, privacy, contacts);
  }

  /** A group as the simulated network holds it (members, settings, invite code, pending requests); undefined if none. */
  async group(groupJid: string): Promise<GroupInfo | undefined> {
    return (await this.simulator()).group(groupJid);
  }

  // Simulated people owning, following and posting to newsletters. Phones are digits; newsletters `…@newsletter`
  // jids. WhatsApp's refusals throw the same AppErrors as the channel's own newsletter requests.

  /** `phone` creates a newsletter it owns. */
  newsletterCreatedBy(phone: string, name: string, description?: string): Promise<NewsletterInfo> {
    return this.asNewsletterPerson('create', (sim) => sim.createNewsletter(phone, name, description));
  }

  followNewsletterAs(phone: string, newsletterJid: string): Promise<NewsletterInfo> {
    return this.asNewsletterPerson('follow', (sim) => sim.followNewsletter(phone, newsletterJid));
  }

  /** An admin `phone` posts text; answers the post's message id and server id. */
  postToNewsletterAs(phone: string, newsletterJid: string, text: string): Promise<{ id: string; serverId: number }> {
    return this.asNewsletterPerson('post', (sim) => sim.postToNewsletter(phone, newsletterJid, { type: 'text', text }));
  }

  /** A newsletter as the simulated network holds it; undefined if none. */
  async newsletter(newsletterJid: string): Promise<NewsletterInfo | undefined> {
    return (await this.simulator()).newsletter(newsletterJid);
  }

  private async asNewsletterPerson<T>(op: string, act: (sim: SimulatorApi) => Promise<T>): Promise<T> {
    const simulator = await this.simulator();
    try {
      return await act(simulator);
    } catch (error) {
      if (!(error instanceof NewsletterRefusal)) throw error;
      throw toNewsletterAppError(whatsappRefusal(error.text, error.code), op);
    }
  }

  private async asPerson<T>(operation: string, act: (sim: SimulatorApi) => Promise<T>, conflictReason?: string): Promise<T> {
    const simulator = await this.simulator();
    try {
      return await act(simulator);
    } catch (error) {
      if (!(error instanceof GroupRefusal)) throw error;
      // the refusal as Baileys raises it for the channel: a Boom whose data is WhatsApp's code
      const boom = Object.assign(new Error(error.text), { isBoom: true, data: error.code, output: { statusCode: 500 } });
      throw toGroupAppError(boom, operation, conflictReason);
    }
  }

  private ensure(): Promise<Reached> {
    this.starting ??= (async () => {
      if (this.provided) {
        return { simulator: localSimulatorApi(this.provided), media: this.provided.createMediaClient() };
      }
      if (this.config.sandboxUrl) {
        const remote = await unreachableAsAppError(() => RemoteSimulator.connect(this.config.sandboxUrl!));
        this.logger.log(`sandbox WhatsApp network at ${this.config.sandboxUrl} (${remote.url})`);
        return { simulator: guarded(remote), media: remote.createMediaClient(), remote };
      }
      // its state in the database: test channels stay linked across a restart of the gateway
      // (one writer per database: see SandboxStateRepository)
      const embedded = new WhatsAppSimulator({ stateStore: this.state });
      embedded.on('warning', ({ message, error }) => this.logger.warn({ err: error }, `sandbox WhatsApp network: ${message}`));
      try {
        await embedded.start();
      } catch (error) {
        await this.state.release().catch(() => undefined);
        throw error;
      }
      this.logger.log(`sandbox WhatsApp network listening on ${embedded.url}`);
      return { simulator: localSimulatorApi(embedded), media: embedded.createMediaClient(), embedded };
    })();
    // a simulator that could not be reached is tried again on the next use
    this.starting.catch(() => (this.starting = undefined));
    return this.starting;
  }

  // The channel's own phone changing its settings, and contacts looking at its profile, for the sandbox routes.
  // Phones are E.164 numbers (or digits); settings in the privacy port's terms.

  /** The phone changes privacy settings; its linked devices are told as WhatsApp tells them. Answers them all. */
  async setPrivacyAs(phone: string, change: PrivacyChange): Promise<PrivacySettings> {
    const simulator = await this.simulator();
    const { defaultDisappearingSeconds: timer, ...settings } = change;
    const wire = Object.fromEntries(
      Object.entries(settings).map(([category, value]) => [PRIVACY_WIRE_NAMES[category as PrivacyCategory], value as string]),
    );
    if (Object.keys(wire).length > 0) await simulator.setPrivacy(phone, wire);
    if (timer !== undefined) await simulator.setDefaultDisappearing(phone, timer);
    const { defaultDisappearing, ...current } = await simulator.privacy(phone);
    return { ...fromWire(current), defaultDisappearingSeconds: defaultDisappearing };
  }

  /** The phone blocks (or unblocks) `contact`; answers the numbers it has blocked, E.164. */
  async setBlockedAs(phone: string, contact: string, blocked: boolean): Promise<string[]> {
    const simulator = await this.simulator();
    if (blocked) await simulator.block(phone, contact);
    else await simulator.unblock(phone, contact);
    return (await simulator.blocklist(phone)).map((number) => `+${number}`);
  }

  /** What the simulated contact `viewer` is shown of `phone`'s profile, under its privacy settings and blocklist. */
  async profileSeenBy(
    viewer: string,
    phone: string,
  ): Promise<{ name: string; about: string | null; pictureUrl: string | null; lastSeen: number | null; online: boolean }> {
    const seen = await (await this.simulator()).viewProfile(viewer, phone);
    return { ...seen, online: seen.online ?? false };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.starting) return;
    const starting = this.starting;
    this.starting = undefined;
    const reached = await starting.catch(() => undefined);
    await reached?.media.close();
    await reached?.remote?.close();
    if (reached?.embedded) {
      await reached.embedded.stop();
      await this.state.release();
    }
  }
}

/** A shared simulator that cannot be reached is the deployment's fault: an internal error, saying where it was looked for. */
async function unreachableAsAppError<T>(act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (error) {
    if (!(error instanceof SimulatorUnreachable)) throw error;
    throw new AppError('internal_error', 'The sandbox WhatsApp network (SANDBOX_URL) cannot be reached.', {
      details: { reason: 'sandbox_unreachable' },
      cause: error,
    });
  }
}

/** The remote simulator, its unreachability answered as unreachableAsAppError says. */
function guarded(remote: SimulatorApi): SimulatorApi {
  const api: Record<string, unknown> = { url: remote.url, createMediaClient: () => remote.createMediaClient() };
  for (const name of SIMULATOR_API_METHODS) {
    const method = remote[name] as (...args: unknown[]) => Promise<unknown>;
    api[name] = (...args: unknown[]) => unreachableAsAppError(() => method(...args));
  }
  return api as SimulatorApi;
}
