import type { Abstract, Provider, Type } from '@nestjs/common';
import { BaileysBlocklist } from './baileys/ops/baileys-blocklist';
import { BaileysBusiness } from './baileys/ops/baileys-business';
import { BaileysCalls } from './baileys/ops/baileys-calls';
import { BaileysChats } from './baileys/ops/baileys-chats';
import { BaileysCommunities } from './baileys/ops/baileys-communities';
import { BaileysContacts } from './baileys/ops/baileys-contacts';
import { BaileysGroups } from './baileys/ops/baileys-groups';
import { BaileysLabels } from './baileys/ops/baileys-labels';
import { BaileysMessaging } from './baileys/ops/baileys-messaging';
import { BaileysNewsletters } from './baileys/ops/baileys-newsletters';
import { BaileysPresence } from './baileys/ops/baileys-presence';
import { BaileysPrivacy } from './baileys/ops/baileys-privacy';
import { BaileysProfile } from './baileys/ops/baileys-profile';
import { BaileysSessionControl } from './baileys/ops/baileys-session-control';
import { BaileysStories } from './baileys/ops/baileys-stories';
import { CallRouter, RoutableMethods } from './calls/call-router';
import { BlocklistPort } from './ports/blocklist.port';
import { BusinessPort } from './ports/business.port';
import { CallsPort } from './ports/calls.port';
import { ChatsPort } from './ports/chats.port';
import { CommunitiesPort } from './ports/communities.port';
import { ContactsPort } from './ports/contacts.port';
import { GroupsPort } from './ports/groups.port';
import { LabelsPort } from './ports/labels.port';
import { MessagingPort } from './ports/messaging.port';
import { NewslettersPort } from './ports/newsletters.port';
import { PresencePort } from './ports/presence.port';
import { PrivacyPort } from './ports/privacy.port';
import { ProfilePort } from './ports/profile.port';
import { SessionControlPort } from './ports/session-control.port';
import { StoriesPort } from './ports/stories.port';

/**
 * A capability port as modules receive it: the DI token (the abstract class), the name it is called by between
 * workers, its Baileys implementation, and its routable methods.
 */
function routedPort<P extends object>(
  token: Abstract<P>,
  name: string,
  implementation: Type<P>,
  methods: RoutableMethods<P>,
): { token: Abstract<P>; providers: Provider[] } {
  return {
    token,
    providers: [
      implementation,
      {
        provide: token,
        useFactory: (router: CallRouter, local: P) => router.route(name, local, methods),
        inject: [CallRouter, implementation],
      },
    ],
  };
}

/**
 * Every capability port, routed to the worker holding the channel's socket (see calls/call-router.ts). Events
 * are not here: they stay with the socket's process.
 */
export const ROUTED_PORTS = [
  routedPort(SessionControlPort, 'session', BaileysSessionControl, { currentQr: true, requestPairingCode: true, close: true }),
  routedPort(MessagingPort, 'messaging', BaileysMessaging, { send: true, readMessages: true }),
  routedPort(ChatsPort, 'chats', BaileysChats, { modify: true }),
  routedPort(ContactsPort, 'contacts', BaileysContacts, { fetchProfile: true }),
  routedPort(ProfilePort, 'profile', BaileysProfile, {
    fetchOwn: true,
    setName: true,
    setAbout: true,
    setPicture: true,
    removePicture: true,
  }),
  routedPort(PrivacyPort, 'privacy', BaileysPrivacy, { fetch: true, update: true }),
  routedPort(BlocklistPort, 'blocklist', BaileysBlocklist, { list: true, isBlocked: true, block: true, unblock: true }),
  routedPort(GroupsPort, 'groups', BaileysGroups, {
    list: true,
    get: true,
    create: true,
    leave: true,
    setSubject: true,
    setDescription: true,
    changeSetting: true,
    changeMembers: true,
    sendAddRequest: true,
    inviteCode: true,
    revokeInvite: true,
    acceptInvite: true,
    inviteInfo: true,
    pictureUrl: true,
    setPicture: true,
    removePicture: true,
    joinRequests: true,
    answerJoinRequests: true,
  }),
  routedPort(CommunitiesPort, 'communities', BaileysCommunities, {
    create: true,
    createGroup: true,
    subgroups: true,
    link: true,
    unlink: true,
    removeMembers: true,
    changeSetting: true,
  }),
  routedPort(CallsPort, 'calls', BaileysCalls, { ringing: true, reject: true }),
  routedPort(PresencePort, 'presence', BaileysPresence, { setOwn: true, sendChatState: true, subscribe: true }),
  routedPort(LabelsPort, 'labels', BaileysLabels, { isBusiness: true, edit: true, associate: true }),
  routedPort(NewslettersPort, 'newsletters', BaileysNewsletters, {
    list: true,
    create: true,
    get: true,
    byInvite: true,
    update: true,
    delete: true,
    follow: true,
    unfollow: true,
    mute: true,
    demote: true,
    posts: true,
    react: true,
  }),
  routedPort(StoriesPort, 'stories', BaileysStories, { post: true, revoke: true }),
  routedPort(BusinessPort, 'business', BaileysBusiness, {
    isBusiness: true,
    profile: true,
    updateProfile: true,
    catalogPage: true,
    collections: true,
    createProduct: true,
    updateProduct: true,
    deleteProducts: true,
    orderDetails: true,
  }),
];
