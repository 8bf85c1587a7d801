import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'http';
import type { AddressInfo } from 'net';
import type { PhoneLabelChange } from '../phone/labels';
import { type GroupSetting, GroupRefusal, type ParticipantAction } from '../protocol/group-ops';
import { NewsletterRefusal } from '../protocol/newsletter-ops';
import type { GroupAddPrivacy } from '../state/accounts';
import type { OutgoingContent, ReceiptType, ReceivedMessage } from '../types';
import { decodeValue, encodeError, encodeValue } from './codec';
import type { PresenceState, WhatsAppSimulator } from './simulator';
import { isSimulatorApiMethod } from './simulator-api';

type Body = Record<string, unknown>;
type Handler = (params: string[], body: Body, query: URLSearchParams) => unknown;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Outgoing content over JSON: media bytes travel as base64 in `data`. */
function contentFrom(body: Body): OutgoingContent {
  const content = body.content as Record<string, unknown> | undefined;
  if (!content || typeof content.type !== 'string') {
    throw new HttpError(400, 'content.type is required');
  }
  if (typeof content.data === 'string') {
    return { ...content, data: Buffer.from(content.data, 'base64') } as OutgoingContent;
  }
  return content as OutgoingContent;
}

function messageJson(message: ReceivedMessage): unknown {
  const content = message.content as { data?: Buffer };
  return content.data ? { ...message, content: { ...content, data: content.data.toString('base64') } } : message;
}

/**
 * The control API as JSON over HTTP, for running the simulator on its own
 * (`npm run simulator`) and driving it from another process.
 */
export class ControlServer {
  private server: Server | undefined;
  private readonly routes: [string, RegExp, Handler][];

  constructor(private readonly sim: WhatsAppSimulator) {
    const s = sim;
    const str = (v: unknown, name: string) => {
      if (typeof v !== 'string' || !v) {
        throw new HttpError(400, `${name} is required`);
      }
      return v;
    };
    const device = (b: Body) => (typeof b.deviceId === 'number' ? b.deviceId : undefined);
    this.routes = [
      ['GET', /^\/status$/, () => ({ url: s.url, mediaHost: s.mediaHost })],
      ['GET', /^\/media-ca$/, () => ({ pem: s.mediaCaPem })],
      [
        'POST',
        /^\/phones$/,
        (_p, b) => s.createPhone(str(b.phone, 'phone'), { pushName: b.pushName as string, business: b.business as boolean | undefined }),
      ],
      ['GET', /^\/phones\/([^/]+)\/labels$/, ([phone]) => s.labels(phone)],
      [
        'POST',
        /^\/phones\/([^/]+)\/labels$/,
        async ([phone], b) => ({ version: await s.changeLabels(phone, b as unknown as PhoneLabelChange) }),
      ],
      // WhatsApp Business: the profile, catalog, collections, throttle and orders of a business phone
      ['GET', /^\/phones\/([^/]+)\/business\/profile$/, ([phone]) => s.businessProfile(phone)],
      ['POST', /^\/phones\/([^/]+)\/business\/profile$/, ([phone], b) => s.setBusinessProfile(phone, b)],
      ['GET', /^\/phones\/([^/]+)\/catalog$/, ([phone]) => s.catalog(phone)],
      [
        'POST',
        /^\/phones\/([^/]+)\/catalog$/,
        ([phone], b) =>
          s.addProductOnPhone(phone, {
            ...b,
            name: str(b.name, 'name'),
            price: str(b.price, 'price'),
            currency: str(b.currency, 'currency'),
          }),
      ],
      ['POST', /^\/phones\/([^/]+)\/catalog\/([^/]+)$/, ([phone, id], b) => s.editProductOnPhone(phone, id, b)],
      ['POST', /^\/phones\/([^/]+)\/catalog\/([^/]+)\/delete$/, ([phone, id]) => ({ deleted: s.deleteProductOnPhone(phone, id) })],
      [
        'POST',
        /^\/phones\/([^/]+)\/collections$/,
        ([phone], b) => ({ id: s.createCollection(phone, str(b.name, 'name'), (b.productIds as string[]) ?? []) }),
      ],
      ['POST', /^\/phones\/([^/]+)\/catalog-rate$/, ([phone], b) => s.setCatalogRate(phone, Number(b.perSecond ?? Infinity))],
      [
        'POST',
        /^\/phones\/([^/]+)\/catalog-failures$/,
        ([phone], b) =>
          s.failCatalogWrites(phone, Number(b.count ?? 1), Number(b.code ?? 500), (b.text as string) ?? 'internal-server-error'),
      ],
      [
        'POST',
        /^\/phones\/([^/]+)\/orders$/,
        ([phone], b) =>
          s.placeOrder(
            phone,
            str(b.business, 'business'),
            (b.items as Array<{ productId: string; quantity: number }>) ?? [],
            b.text as string,
          ),
      ],
      ['GET', /^\/phones\/([^/]+)\/companions$/, ([phone]) => s.companions(phone)],
      ['POST', /^\/phones\/([^/]+)\/scan$/, ([phone], b) => s.scanQr(phone, str(b.qr, 'qr'))],
      ['POST', /^\/phones\/([^/]+)\/pair-code$/, ([phone], b) => s.enterPairCode(phone, str(b.code, 'code'))],
      ['POST', /^\/phones\/([^/]+)\/send$/, async ([phone], b) => ({ id: await s.send(phone, str(b.to, 'to'), contentFrom(b)) })],
      ['GET', /^\/phones\/([^/]+)\/received$/, ([phone]) => s.received(phone).map(messageJson)],
      ['GET', /^\/phones\/([^/]+)\/receipts$/, ([phone]) => s.receipts(phone)],
      [
        'POST',
        /^\/phones\/([^/]+)\/receipts$/,
        ([phone], b) => s.sendReceipt(phone, str(b.to, 'to'), b.ids as string[], (b.type as ReceiptType) ?? 'read', b.group as string),
      ],
      [
        'POST',
        /^\/phones\/([^/]+)\/presence$/,
        ([phone], b) => s.setPresence(phone, str(b.to, 'to'), str(b.state, 'state') as PresenceState),
      ],
      [
        'POST',
        /^\/phones\/([^/]+)\/stories$/,
        async ([phone], b) => ({
          id: await s.postStory(phone, (b.viewers as string[]) ?? [], contentFrom(b), {
            ...(typeof b.background === 'string' ? { background: b.background } : {}),
            ...(typeof b.font === 'number' ? { font: b.font } : {}),
          }),
        }),
      ],
      ['GET', /^\/phones\/([^/]+)\/stories$/, ([phone]) => s.stories(phone).map(messageJson)],
      ['POST', /^\/phones\/([^/]+)\/story-views$/, ([phone], b) => s.viewStory(phone, str(b.author, 'author'), (b.ids as string[]) ?? [])],
      ['POST', /^\/phones\/([^/]+)\/unlink$/, ([phone], b) => s.unlink(phone, device(b))],
      ['POST', /^\/phones\/([^/]+)\/restart$/, ([phone], b) => s.requireRestart(phone, device(b))],
      ['POST', /^\/phones\/([^/]+)\/replace$/, ([phone], b) => s.replace(phone, device(b))],
      ['POST', /^\/phones\/([^/]+)\/drop$/, ([phone], b) => s.drop(phone, device(b))],
      ['POST', /^\/refuse$/, (_p, b) => s.refuseConnections(Number(b.ms ?? 0))],
      ['POST', /^\/accept$/, () => s.acceptConnections()],
      ['POST', /^\/silence$/, (_p, b) => s.silenceConnections(Number(b.ms ?? 0))],
      ['GET', /^\/phones\/([^/]+)\/privacy$/, ([phone]) => s.privacy(phone)],
      ['POST', /^\/phones\/([^/]+)\/privacy$/, ([phone], b) => s.setPrivacy(phone, b)],
      ['POST', /^\/phones\/([^/]+)\/default-disappearing$/, ([phone], b) => s.setDefaultDisappearing(phone, Number(b.seconds))],
      ['GET', /^\/phones\/([^/]+)\/blocklist$/, ([phone]) => s.blocklist(phone)],
      ['POST', /^\/phones\/([^/]+)\/block$/, ([phone], b) => s.block(phone, str(b.contact, 'contact'))],
      ['POST', /^\/phones\/([^/]+)\/unblock$/, ([phone], b) => s.unblock(phone, str(b.contact, 'contact'))],
      ['POST', /^\/phones\/([^/]+)\/contacts$/, ([phone], b) => s.addContacts(phone, (b.contacts as string[]) ?? [])],
      ['POST', /^\/phones\/([^/]+)\/about$/, ([phone], b) => s.setAbout(phone, typeof b.about === 'string' ? b.about : '')],
      [
        'POST',
        /^\/phones\/([^/]+)\/picture$/,
        ([phone], b) => s.setProfilePicture(phone, typeof b.jpeg === 'string' ? Buffer.from(b.jpeg, 'base64') : null),
      ],
      ['GET', /^\/phones\/([^/]+)\/profile$/, ([phone], _b, query) => s.viewProfile(str(query.get('viewer'), 'viewer'), phone)],
      ['POST', /^\/groups$/, (_p, b) => s.createGroup(str(b.creator, 'creator'), str(b.subject, 'subject'), (b.members as string[]) ?? [])],
      ['GET', /^\/groups\/([^/]+)$/, ([group]) => s.group(group) ?? null],
      [
        'POST',
        /^\/groups\/([^/]+)\/participants$/,
        ([group], b) => s.updateGroupParticipants(group, str(b.author, 'author'), b.action as ParticipantAction, b.phones as string[]),
      ],
      [
        'POST',
        /^\/groups\/([^/]+)\/subject$/,
        ([group], b) => s.setGroupSubject(group, str(b.author, 'author'), str(b.subject, 'subject')),
      ],
      [
        'POST',
        /^\/groups\/([^/]+)\/description$/,
        ([group], b) => s.setGroupDescription(group, str(b.author, 'author'), typeof b.description === 'string' ? b.description : null),
      ],
      [
        'POST',
        /^\/groups\/([^/]+)\/settings$/,
        ([group], b) => s.changeGroupSetting(group, str(b.author, 'author'), b.setting as GroupSetting),
      ],
      [
        'POST',
        /^\/groups\/([^/]+)\/picture$/,
        ([group], b) =>
          s.setGroupPicture(group, str(b.author, 'author'), typeof b.jpeg === 'string' ? Buffer.from(b.jpeg, 'base64') : null),
      ],
      ['POST', /^\/groups\/([^/]+)\/leave$/, ([group], b) => s.leaveGroup(group, str(b.phone, 'phone'))],
      [
        'GET',
        /^\/groups\/([^/]+)\/invite-code$/,
        ([group], _b, query) => ({ code: s.groupInviteCode(group, str(query.get('author'), 'author')) }),
      ],
      [
        'POST',
        /^\/groups\/([^/]+)\/join-requests$/,
        ([group], b) =>
          s.answerGroupJoinRequests(group, str(b.author, 'author'), b.phones as string[], str(b.answer, 'answer') as 'approve' | 'reject'),
      ],
      [
        'POST',
        /^\/communities$/,
        (_p, b) =>
          s.createCommunity(
            str(b.creator, 'creator'),
            str(b.subject, 'subject'),
            typeof b.description === 'string' ? b.description : null,
            (b.members as string[]) ?? [],
          ),
      ],
      ['GET', /^\/communities\/([^/]+)$/, ([community]) => s.community(community) ?? null],
      [
        'POST',
        /^\/communities\/([^/]+)\/groups$/,
        ([community], b) =>
          s.createCommunityGroup(community, str(b.author, 'author'), str(b.subject, 'subject'), (b.members as string[]) ?? []),
      ],
      [
        'POST',
        /^\/communities\/([^/]+)\/link$/,
        ([community], b) => s.linkCommunityGroup(community, str(b.author, 'author'), str(b.group, 'group')),
      ],
      [
        'POST',
        /^\/communities\/([^/]+)\/unlink$/,
        ([community], b) => s.unlinkCommunityGroup(community, str(b.author, 'author'), str(b.group, 'group')),
      ],
      [
        'POST',
        /^\/communities\/([^/]+)\/participants$/,
        ([community], b) =>
          s.updateCommunityParticipants(community, str(b.author, 'author'), b.action as ParticipantAction, b.phones as string[]),
      ],
      ['POST', /^\/phones\/([^/]+)\/join-group$/, ([phone], b) => s.joinGroupByInvite(phone, str(b.code, 'code'))],
      [
        'POST',
        /^\/phones\/([^/]+)\/accept-group-invitation$/,
        ([phone], b) => s.acceptGroupInvitation(phone, str(b.group, 'group'), str(b.code, 'code')),
      ],
      [
        'POST',
        /^\/phones\/([^/]+)\/group-add-privacy$/,
        ([phone], b) => s.setGroupAddPrivacy(phone, str(b.privacy, 'privacy') as GroupAddPrivacy, (b.contacts as string[]) ?? []),
      ],
      [
        'POST',
        /^\/groups\/([^/]+)\/send$/,
        async ([group], b) => ({ id: await s.sendToGroup(str(b.from, 'from'), group, contentFrom(b)) }),
      ],
      [
        'POST',
        /^\/newsletters$/,
        (_p, b) => s.createNewsletter(str(b.owner, 'owner'), str(b.name, 'name'), typeof b.description === 'string' ? b.description : ''),
      ],
      ['GET', /^\/newsletters\/([^/]+)$/, ([newsletter]) => s.newsletter(newsletter) ?? null],
      ['POST', /^\/newsletters\/([^/]+)\/follow$/, ([newsletter], b) => s.followNewsletter(str(b.phone, 'phone'), newsletter)],
      ['POST', /^\/newsletters\/([^/]+)\/unfollow$/, ([newsletter], b) => s.unfollowNewsletter(str(b.phone, 'phone'), newsletter)],
      ['POST', /^\/newsletters\/([^/]+)\/post$/, ([newsletter], b) => s.postToNewsletter(str(b.from, 'from'), newsletter, contentFrom(b))],
      [
        'POST',
        /^\/newsletters\/([^/]+)\/react$/,
        ([newsletter], b) =>
          s.reactToNewsletterPost(str(b.phone, 'phone'), newsletter, Number(b.serverId), typeof b.emoji === 'string' ? b.emoji : ''),
      ],
    ];
  }

  /** Listens on host:port (0 = any free port); resolves with the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    // Idle connections outlive the clients' own idle timeout (undici's: 4 s): a client whose event loop lags
    // must never send on a connection this side has just closed (a "fetch failed" on a busy gateway).
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://control');
    const path = url.pathname;
    const call = req.method === 'POST' ? /^\/call\/([^/]+)$/.exec(path) : null;
    if (call) {
      await this.call(decodeURIComponent(call[1]), req, res);
      return;
    }
    try {
      const route = this.routes.find(([method, pattern]) => method === req.method && pattern.test(path));
      if (!route) {
        throw new HttpError(404, `no route for ${req.method} ${path}`);
      }
      const params = (route[1].exec(path) ?? []).slice(1).map(decodeURIComponent);
      const result = await route[2](params, await readJson(req), url.searchParams);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? { ok: true }));
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 422;
      // a group or newsletter refusal carries the error WhatsApp answers with (403 not a member, 401 not an admin, …)
      const whatsapp = error instanceof GroupRefusal || error instanceof NewsletterRefusal ? { whatsappCode: error.code } : {};
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message, ...whatsapp }));
    }
  }

  /**
   * `POST /call/<method>` with `{ args }`: one of the simulator's allowed methods (SIMULATOR_API_METHODS), its
   * arguments and result encoded by the codec. What the method throws answers 422 with `{ thrown }`, the
   * error's class and fields, for RemoteSimulator to throw the same error again.
   */
  private async call(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    let args: unknown[];
    try {
      if (!isSimulatorApiMethod(method)) throw new HttpError(404, `${method} is not a method the control API offers`);
      const body = await readJson(req);
      if (!Array.isArray(body.args)) throw new HttpError(400, 'args must be an array');
      args = body.args.map(decodeValue);
    } catch (error) {
      answer(error instanceof HttpError ? error.status : 400, { error: (error as Error).message });
      return;
    }
    try {
      const sim = this.sim as unknown as Record<string, (...a: unknown[]) => unknown>;
      answer(200, { result: encodeValue(await sim[method](...args)) });
    } catch (error) {
      answer(422, { error: (error as Error).message, thrown: encodeError(error) });
    }
  }
}

async function readJson(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  if (!chunks.length) {
    return {};
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf-8')) as Body;
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}
