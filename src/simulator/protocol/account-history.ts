import { proto } from '@whiskeysockets/baileys';
import type { Account } from '../state/accounts';
import type { Network } from './network';
import { newMessageId } from './nodes';

/** What a realistic account holds when its phone links a companion (see `SimulatorOptions.accountHistory`). */
export interface AccountHistory {
  /** People in the address book, each with a 1:1 conversation. */
  contacts: number;
  /** Groups the account is a member of, each with some of those people. */
  groups: number;
  /** Messages of the history sync, spread round-robin over the 1:1 and group conversations. */
  messages: number;
}

/** A real phone's account, as the figures the gateway is sized for assume. */
export const REALISTIC_ACCOUNT: AccountHistory = { contacts: 300, groups: 30, messages: 1000 };

/** How many of the contacts each group holds besides the account. */
const GROUP_MEMBERS = 8;

/** Phone numbers of the address-book people: one shared pool, so that accounts know the same people. */
function contactPhone(index: number): string {
  return `1999${String(index).padStart(7, '0')}`;
}

/**
 * Gives an account its address book and groups on the network (people are real simulated accounts, groups
 * real groups, so the companion can query and write to them) and the history a phone sends a new companion:
 * the conversations with their last messages (INITIAL_BOOTSTRAP) and the people's push names (PUSH_NAME).
 */
export function accountHistory(net: Network, account: Account, size: AccountHistory): proto.IHistorySync[] {
  const people: Account[] = [];
  for (let i = 0; i < size.contacts; i++) people.push(net.accounts.create(contactPhone(i), `Contact ${i + 1}`));
  const groups = net.groups.of(account.jid).filter((g) => g.subject.startsWith('History group '));
  for (let g = groups.length; g < size.groups && people.length > 0; g++) {
    const members = Array.from({ length: Math.min(GROUP_MEMBERS, people.length) }, (_, j) => people[(g * 7 + j) % people.length].jid);
    groups.push(net.groups.create(`History group ${g + 1}`, account.jid, members));
  }

  const conversations: proto.IConversation[] = [
    ...people.map((p) => ({ id: p.jid, pnJid: p.jid, lidJid: p.lidJid, displayName: p.pushName, messages: [] as proto.IHistorySyncMsg[] })),
    ...groups.map((g) => ({ id: g.jid, name: g.subject, messages: [] as proto.IHistorySyncMsg[] })),
  ];
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < size.messages && conversations.length > 0; i++) {
    const conversation = conversations[i % conversations.length];
    const chatJid = conversation.id!;
    const group = chatJid.endsWith('@g.us');
    // every third message is the account's own; a group's others come from its members in turn
    const fromMe = i % 3 === 2;
    const sender = group ? net.groups.require(chatJid) : undefined;
    const members = sender ? [...sender.participants.keys()].filter((jid) => jid !== account.jid) : [];
    const author = group ? members[i % members.length] : chatJid;
    const message: proto.IWebMessageInfo = {
      key: { remoteJid: chatJid, fromMe, id: newMessageId(), ...(group && !fromMe ? { participant: author } : {}) },
      message: { conversation: `History message ${i + 1}` },
      // a minute apart, the newest now
      messageTimestamp: now - (size.messages - i) * 60,
      status: fromMe ? proto.WebMessageInfo.Status.READ : proto.WebMessageInfo.Status.DELIVERY_ACK,
      ...(fromMe ? {} : { pushName: net.accounts.get(author)?.pushName }),
    };
    // WhatsApp lists a conversation's messages newest first
    conversation.messages!.unshift({ message, msgOrderId: i + 1 });
  }
  for (const conversation of conversations) {
    const last = conversation.messages![0]?.message;
    if (last) conversation.conversationTimestamp = last.messageTimestamp;
  }
  return [
    {
      syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
      conversations,
      phoneNumberToLidMappings: people.map((p) => ({ pnJid: p.jid, lidJid: p.lidJid })),
      chunkOrder: 0,
      progress: 100,
    },
    {
      syncType: proto.HistorySync.HistorySyncType.PUSH_NAME,
      conversations: [],
      pushnames: people.map((p) => ({ id: p.jid, pushname: p.pushName })),
      chunkOrder: 1,
      progress: 100,
    },
  ];
}
