/**
 * The document's tags, in the order a newcomer needs them: a channel, then what goes through it, then how to
 * hear about it, then the account around it, and the operator's API last. Every tag a route uses is listed
 * here (the OpenAPI test checks it).
 */
export const API_TAGS: ReadonlyArray<{ name: string; description: string }> = [
  {
    name: 'Channels',
    description:
      'A channel is one WhatsApp account linked to the gateway as a device. Create it, connect it, pair it by QR or pair code, and follow its status. Test keys create sandbox channels on the built-in simulator.',
  },
  {
    name: 'Messages',
    description:
      'Send the eleven message types and read the history of sent and received messages. Sends are accepted (202), persisted and delivered in order; statuses follow as events.',
  },
  { name: 'Chats', description: 'Conversations the channel has had, created by traffic: pin, archive, mute, mark read or unread.' },
  {
    name: 'Contacts',
    description: 'People the channel has talked to, learnt from traffic, with phone number ↔ LID mapping and profile lookups.',
  },
  {
    name: 'Groups',
    description:
      "The account's WhatsApp groups, live from WhatsApp: create, leave, rename, settings, participants and admins, invite links, icons, join requests.",
  },
  {
    name: 'Communities',
    description:
      'Communities, live from WhatsApp: groups with a parent role, each with an announcement group and linked groups. Create them, create or link groups in them, manage their members and admins, their settings and invite link.',
  },
  {
    name: 'Newsletters',
    description:
      'WhatsApp Channels, live from WhatsApp: create, follow by id or invite link, mute, rename, picture, reaction setting, demote admins, read posts, post and react. Posts are messages.',
  },
  {
    name: 'Profile',
    description: "The channel's own WhatsApp profile, read and written live: push name, about text, picture, business or not.",
  },
  {
    name: 'Privacy',
    description:
      "The account's WhatsApp privacy settings (last seen, online, picture, about, read receipts, groups, calls, default disappearing timer), read and written live.",
  },
  {
    name: 'Blocklist',
    description: 'The contacts the account has blocked, read and changed live; sends to a blocked contact are refused.',
  },
  {
    name: 'Labels',
    description:
      "WhatsApp Business labels on chats and messages: kept from WhatsApp's app-state sync, created, changed and applied on WhatsApp.",
  },
  {
    name: 'Business',
    description:
      'WhatsApp Business: the business profile, the catalog (products kept by the gateway and synced to WhatsApp, bulk imports, reconcile), collections and the orders customers place.',
  },
  {
    name: 'Calls',
    description:
      'Incoming calls: call.offered and call.terminated events, rejecting a ringing call, auto-reject. Calls cannot be answered or placed.',
  },
  {
    name: 'Presence',
    description: "The channel's own presence, chat states (typing, recording), and contacts' presence by subscription, cached briefly.",
  },
  {
    name: 'Stories',
    description:
      "WhatsApp status updates: post a text, image or video story to the channel's contacts or a list of them, see who viewed it, revoke it. Contacts' stories arrive as messages (is_story).",
  },
  {
    name: 'Media',
    description: 'Store a file once (by URL or upload) and send it by `media_id` any number of times; signed public links serve the bytes.',
  },
  { name: 'Webhooks', description: 'Endpoints that receive signed event deliveries, their delivery history, replays and test sends.' },
  { name: 'Events', description: 'The same events as webhooks, streamed as Server-Sent Events, resumable with Last-Event-ID.' },
  {
    name: 'Sandbox',
    description:
      'Test keys only: play the phone and the contacts of a sandbox channel (scan its QR, send it messages, read what it sent, report receipts, act in groups, drop the connection).',
  },
  { name: 'Limits', description: "The key's rate-limit budget and its plan's limits." },
  {
    name: 'API keys',
    description:
      'Your API keys: list them (prefix only), create one (the secret is shown once) no broader than the key that asks, revoke. Channel-scoped keys cannot manage keys.',
  },
  { name: 'Audit events', description: 'Every mutating call made with your keys, successful or refused.' },
  { name: 'Support', description: 'Open and follow support tickets.' },
  { name: 'Health', description: 'Liveness and readiness probes; no authentication.' },
  {
    name: 'Admin',
    description:
      "The operator API (ADMIN_TOKEN, not an API key): customers, API keys, plans, every channel, disabling channels, and the gateway's workers.",
  },
];
