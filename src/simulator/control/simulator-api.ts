import type { MediaClient, WhatsAppSimulator } from './simulator';

/**
 * The simulator's methods another process may call through the control API's call route, and the gateway's
 * sandbox through either kind of simulator: what people do on their phones and what the network shows of
 * it. Anything not listed here (its internals, event listeners, waits taking callbacks) cannot be reached.
 */
export const SIMULATOR_API_METHODS = [
  // phones and pairing
  'createPhone',
  'phone',
  'scanQr',
  'enterPairCode',
  'companions',
  'privacyTokensIssued',
  // what contacts do
  'send',
  'sendToGroup',
  'postStory',
  'viewStory',
  'stories',
  'received',
  'receipts',
  'acknowledgements',
  'sendReceipt',
  'setPresence',
  'setGroupChatState',
  'hideLastSeen',
  'offerCall',
  'endCall',
  // groups and communities
  'createGroup',
  'updateGroupParticipants',
  'setGroupSubject',
  'setGroupDescription',
  'changeGroupSetting',
  'setGroupPicture',
  'leaveGroup',
  'groupInviteCode',
  'joinGroupByInvite',
  'acceptGroupInvitation',
  'answerGroupJoinRequests',
  'setGroupAddPrivacy',
  'group',
  'createCommunity',
  'createCommunityGroup',
  'linkCommunityGroup',
  'unlinkCommunityGroup',
  'updateCommunityParticipants',
  'community',
  // newsletters
  'createNewsletter',
  'newsletter',
  'followNewsletter',
  'unfollowNewsletter',
  'addNewsletterAdmin',
  'postToNewsletter',
  'reactToNewsletterPost',
  // the phone's own settings
  'setPrivacy',
  'privacy',
  'setDefaultDisappearing',
  'block',
  'unblock',
  'blocklist',
  'addContacts',
  'setAbout',
  'setProfilePicture',
  'viewProfile',
  // labels and WhatsApp Business
  'labels',
  'changeLabels',
  'isBusiness',
  'businessProfile',
  'setBusinessProfile',
  'catalog',
  'addProductOnPhone',
  'editProductOnPhone',
  'deleteProductOnPhone',
  'createCollection',
  'placeOrder',
  // faults
  'unlink',
  'requireRestart',
  'replace',
  'drop',
] as const satisfies readonly (keyof WhatsAppSimulator)[];

export type SimulatorApiMethod = (typeof SIMULATOR_API_METHODS)[number];

type Method<K extends SimulatorApiMethod> = WhatsAppSimulator[K] extends (...args: infer A) => infer R
  ? (...args: A) => Promise<Awaited<R>>
  : never;

/**
 * The simulator as the gateway drives it, in-process or in another process: every call is asynchronous,
 * and a refusal (GroupRefusal, NewsletterRefusal, AccountRefusal) is thrown as the same class either way.
 */
export type SimulatorApi = { [K in SimulatorApiMethod]: Method<K> } & {
  /** The WebSocket URL Baileys connects to. */
  readonly url: string;
  /** A client trusting the simulator's media host, for Baileys' uploads and downloads. */
  createMediaClient(): MediaClient;
};

const allowed = new Set<string>(SIMULATOR_API_METHODS);

export function isSimulatorApiMethod(name: string): name is SimulatorApiMethod {
  return allowed.has(name);
}

/** The in-process simulator behind the same asynchronous interface as a remote one. */
export function localSimulatorApi(simulator: WhatsAppSimulator): SimulatorApi {
  const api: Record<string, unknown> = {
    get url() {
      return simulator.url;
    },
    createMediaClient: () => simulator.createMediaClient(),
  };
  for (const name of SIMULATOR_API_METHODS) {
    api[name] = async (...args: unknown[]) => (simulator[name] as (...a: unknown[]) => unknown).apply(simulator, args);
  }
  return api as SimulatorApi;
}
