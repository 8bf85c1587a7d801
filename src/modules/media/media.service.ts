import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { EgressGuard } from '../../platform/egress/egress-guard';
import { AppError } from '../../platform/errors/app-error';
import { parseOrThrow } from '../../platform/http/parse';
import { idOf, isIdOf, newId } from '../../platform/ids';
import { decodeCursor, PageQuery, toPage } from '../../platform/pagination';
import { AccountsService } from '../accounts/accounts.service';
import { ApiKeyPrincipal } from '../auth/principal';
import type { ChannelRef } from '../channels/channels.contracts';
import { createMediaSchema, MediaView, uploadMediaFieldsSchema } from './media.contracts';
import { MediaRepository, MediaRow } from './media.repository';
import { fetchMedia, MediaFetchError } from './media-fetcher';
import { MediaMetrics } from './media.metrics';
import { ByteRange, MediaStorage, MediaTooLargeError, StagedObject } from './media-storage';
import { checkMediaType, MediaKind, mediaKindsOf, mediaTypeRule, mimeTypeOfFamily, normalizeMimeType, sniffFamily } from './media-types';
import { MediaUrlSigner } from './media-url-signer';

/** A file received by the multipart upload, already staged (hashed, measured) by the storage. */
export interface UploadedMedia {
  originalname: string;
  mimetype: string;
  staged: StagedObject;
}

/** A stored media as other modules see it. */
export interface StoredMedia {
  id: string;
  customerId: string;
  channelId: string;
  mimeType: string;
  /** The mimetype to announce to WhatsApp (e.g. `audio/ogg; codecs=opus`). */
  whatsappMimeType: string;
  kinds: readonly MediaKind[];
  size: number;
  sha256: string;
  filename: string | null;
  inUse: boolean;
  createdAt: Date;
}

@Injectable()
export class MediaService {
  constructor(
    private readonly media: MediaRepository,
    private readonly accounts: AccountsService,
    private readonly storage: MediaStorage,
    private readonly signer: MediaUrlSigner,
    private readonly guard: EgressGuard,
    private readonly metrics: MediaMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- API routes ------------------------------------------------------------------------------

  /** `POST /v1/channels/{id}/media`: a JSON body with source_url, or a multipart upload (`file`). */
  async create(key: ApiKeyPrincipal, channel: ChannelRef, body: unknown, file: UploadedMedia | undefined): Promise<MediaView> {
    try {
      return await this.createMedia(key, channel, body, file);
    } catch (error) {
      const reason = (error as AppError).details as { reason?: unknown } | undefined;
      if (error instanceof AppError && typeof reason?.reason === 'string') this.metrics.refused.inc({ reason: reason.reason });
      throw error;
    } finally {
      await file?.staged.discard();
    }
  }

  private async createMedia(key: ApiKeyPrincipal, channel: ChannelRef, body: unknown, file: UploadedMedia | undefined): Promise<MediaView> {
    if (file) {
      // The upload was staged under the gateway-wide limit; the plan's may be lower.
      const limit = this.limitFor(key);
      if (file.staged.size > limit) throw tooLarge(limit, { size: file.staged.size });
      const fields = parseOrThrow(uploadMediaFieldsSchema, body ?? {});
      const declared =
        fields.mime_type ??
        (normalizeMimeType(file.mimetype) !== 'application/octet-stream' ? file.mimetype : undefined) ??
        mimeTypeOfFamily(sniffFamily(file.staged.head)) ??
        'application/octet-stream';
      const row = await this.accept(channel.id, channel.customerId, file.staged, declared, {
        filename: fields.filename ?? cleanFilename(file.originalname),
        source: 'upload',
        sourceUrl: null,
      });
      return this.view(row);
    }
    const input = parseOrThrow(createMediaSchema, body);
    this.requireAcceptedType(input.mime_type);
    const maxBytes = this.limitFor(key);
    const staged = await this.fetch(input.source_url, maxBytes, (body) => this.storage.stage(body, { maxBytes }));
    const row = await this.accept(channel.id, channel.customerId, staged, input.mime_type, {
      filename: input.filename ?? filenameFromUrl(input.source_url),
      source: 'url',
      sourceUrl: input.source_url,
    });
    return this.view(row);
  }

  async get(channel: ChannelRef, mediaId: string): Promise<MediaView> {
    return this.view(await this.require(channel.id, mediaId));
  }

  async list(channel: ChannelRef, query: PageQuery) {
    const rows = await this.media.list({ channelId: channel.id, before: decodeCursor(query.cursor, idOf('med')), take: query.limit + 1 });
    return toPage(rows, query.limit, (row) => this.view(row));
  }

  async remove(channel: ChannelRef, mediaId: string): Promise<void> {
    await this.require(channel.id, mediaId);
    if (await this.deleteRecord(mediaId)) this.metrics.deleted.inc({ cause: 'api' });
  }

  /**
   * `GET /v1/media/{token}`: the media behind a signed token and the byte range asked for. A bad
   * signature, an expired token and deleted media all answer media_gone alike.
   */
  async openPublic(token: string): Promise<{ media: MediaRow; expiresAt: Date; open: (range?: ByteRange) => Promise<Readable> }> {
    const check = this.signer.verify(token);
    const row = check.ok ? await this.media.find(check.mediaId) : null;
    if (!check.ok || !row) {
      throw new AppError('media_gone', 'This media link has expired or the media was deleted.', {
        details: { reason: check.ok ? 'deleted' : check.reason === 'expired' ? 'expired' : 'invalid' },
      });
    }
    return { media: row, expiresAt: check.expiresAt, open: (range) => this.openBytes(row, range) };
  }

  // ---- For other modules -------------------------------------------------------------------------

  /** Stores media received in a message (no API key involved); equal bytes are stored once. */
  async storeInbound(
    channelId: string,
    customerId: string,
    bytes: Buffer | Readable,
    mimeType: string,
    filename?: string,
  ): Promise<StoredMedia> {
    const staged = await this.stageOrRefuse(bytes);
    try {
      // WhatsApp said what it is; the type is kept as given, even when not one a customer could upload.
      const declared = normalizeMimeType(mimeType) ?? mimeTypeOfFamily(sniffFamily(staged.head)) ?? 'application/octet-stream';
      const row = await this.media.create(
        {
          id: newId('med'),
          customerId,
          channelId,
          sha256: staged.sha256,
          size: staged.size,
          mimeType: declared,
          filename: filename ?? null,
          source: 'inbound',
          sourceUrl: null,
        },
        () => staged.commit(),
      );
      this.counted(row);
      return toStoredMedia(row);
    } finally {
      await staged.discard();
    }
  }

  /** A fresh public link to the media, valid for MEDIA_URL_TTL_SECONDS. */
  signedUrl(mediaId: string, now = new Date()): { url: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + this.config.media.urlTtlSeconds * 1000);
    return { url: `${this.config.publicBaseUrl}/v1/media/${this.signer.sign(mediaId, expiresAt)}`, expiresAt };
  }

  /** The media's metadata and a stream of its bytes; media_gone when it was deleted. */
  async read(mediaId: string): Promise<{ media: StoredMedia; stream: Readable }> {
    const row = await this.media.find(mediaId);
    if (!row) throw new AppError('media_gone', `Media ${mediaId} was deleted.`);
    return { media: toStoredMedia(row), stream: await this.openBytes(row) };
  }

  /** The media's metadata and all its bytes in memory (what Baileys takes as a media buffer). */
  async readBytes(mediaId: string): Promise<{ media: StoredMedia; bytes: Buffer }> {
    const { media, stream } = await this.read(mediaId);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { media, bytes: Buffer.concat(chunks) };
  }

  /**
   * The bytes of a message sent by `source_url`, fetched when it is dispatched: by the fetcher and within
   * the limits of POST /media (every redirect hop through the egress guard, the customer's plan limit), and
   * refused with its errors. They are handed to WhatsApp, not stored.
   */
  async fetchForSend(customerId: string, url: string): Promise<{ bytes: Buffer; mimeType?: string }> {
    const maxBytes = await this.limitOfCustomer(customerId);
    return this.fetch(url, maxBytes, async (body, source) => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of body) {
        size += (chunk as Buffer).length;
        if (size > maxBytes) {
          body.destroy();
          throw new MediaTooLargeError(maxBytes);
        }
        chunks.push(chunk as Buffer);
      }
      return { bytes: Buffer.concat(chunks), mimeType: source.contentType };
    });
  }

  /** Metadata only, or null when the media does not exist (in that channel, when given). */
  async find(mediaId: string, channelId?: string): Promise<StoredMedia | null> {
    if (!isIdOf('med', mediaId)) return null;
    const row = channelId ? await this.media.findInChannel(channelId, mediaId) : await this.media.find(mediaId);
    return row ? toStoredMedia(row) : null;
  }

  /** Marks the media as used by a message: retention keeps it from then on. False when it does not exist. */
  markUsed(mediaId: string, at = new Date()): Promise<boolean> {
    return this.media.markUsed(mediaId, at);
  }

  /**
   * Deletes media no message used, older than MEDIA_RETENTION_DAYS, in batches; returns how many. Safe to
   * run in several processes at once: each record is deleted once, and its bytes once no record is left.
   */
  async sweepRetention(now = new Date(), maxRecords = 10_000): Promise<number> {
    if (this.config.media.retentionDays <= 0) return 0;
    const cutoff = new Date(now.getTime() - this.config.media.retentionDays * 86_400_000);
    let deleted = 0;
    while (deleted < maxRecords) {
      const ids = await this.media.unusedBefore(cutoff, 100);
      if (ids.length === 0) break;
      for (const id of ids) if (await this.deleteRecord(id, cutoff)) deleted += 1;
      if (ids.length < 100) break;
    }
    if (deleted > 0) this.metrics.deleted.inc({ cause: 'retention' }, deleted);
    return deleted;
  }

  // ---- Internals ---------------------------------------------------------------------------------

  private async deleteRecord(mediaId: string, unusedBefore?: Date): Promise<boolean> {
    const row = await this.media.delete(mediaId, (gone) => this.storage.delete(gone.storageKey), { unusedBefore });
    return row !== null;
  }

  private async require(channelId: string, mediaId: string): Promise<MediaRow> {
    const row = isIdOf('med', mediaId) ? await this.media.findInChannel(channelId, mediaId) : null;
    if (!row) throw new AppError('not_found', `No media ${mediaId} in channel ${channelId}.`);
    return row;
  }

  private async openBytes(row: MediaRow, range?: ByteRange): Promise<Readable> {
    try {
      return await this.storage.get(row.storageKey, range);
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') throw new AppError('media_gone', `The bytes of media ${row.id} are gone.`);
      throw error;
    }
  }

  private requireAcceptedType(mimeType: string): void {
    const normalized = normalizeMimeType(mimeType);
    if (!normalized || !mediaTypeRule(normalized)) throw unsupportedType(mimeType);
  }

  /** The plan's media limit, never above the gateway-wide one. */
  private limitFor(key: ApiKeyPrincipal): number {
    return Math.min(this.config.media.maxBytes, key.plan.mediaMaxBytes ?? Number.POSITIVE_INFINITY);
  }

  /** The plan's media limit of a customer, for work done without its key at hand. */
  private async limitOfCustomer(customerId: string): Promise<number> {
    return Math.min(this.config.media.maxBytes, (await this.accounts.mediaLimitOf(customerId)) ?? Number.POSITIVE_INFINITY);
  }

  /**
   * Fetches a source_url within `maxBytes`; every failure is the AppError POST /media answers with
   * (invalid_request with `details.reason`), whoever asked.
   */
  private async fetch<T>(
    url: string,
    maxBytes: number,
    consume: (body: Readable, source: { contentType?: string }) => Promise<T>,
  ): Promise<T> {
    const { fetchTimeoutMs } = this.config.media;
    try {
      return await fetchMedia(this.guard, url, { timeoutMs: fetchTimeoutMs, maxBytes }, consume);
    } catch (error) {
      if (error instanceof MediaTooLargeError) throw tooLarge(maxBytes);
      if (error instanceof MediaFetchError) {
        if (error.reason === 'too_large') throw tooLarge(maxBytes, error.details);
        throw new AppError('invalid_request', `The source_url could not be fetched: ${error.message}.`, {
          details: { reason: error.reason, ...error.details },
        });
      }
      throw error;
    }
  }

  private async stageOrRefuse(bytes: Buffer | Readable): Promise<StagedObject> {
    try {
      return await this.storage.stage(bytes, { maxBytes: this.config.media.maxBytes });
    } catch (error) {
      if (error instanceof MediaTooLargeError) throw tooLarge(this.config.media.maxBytes);
      throw error;
    }
  }

  /** Checks the declared type against the bytes, then commits them and inserts the record. */
  private async accept(
    channelId: string,
    customerId: string,
    staged: StagedObject,
    declared: string,
    meta: { filename: string | null; source: 'url' | 'upload'; sourceUrl: string | null },
  ): Promise<MediaRow> {
    try {
      if (staged.size === 0) {
        throw new AppError('invalid_request', 'The media is empty.', { details: { reason: 'empty' } });
      }
      const check = checkMediaType(declared, staged.head);
      if (!check.ok) {
        if (check.reason === 'unsupported_type') throw unsupportedType(declared);
        throw new AppError('invalid_request', `The bytes are not ${declared}.`, {
          details: { reason: 'type_mismatch', declared_mime_type: declared, detected_mime_type: mimeTypeOfFamily(check.detected) ?? null },
        });
      }
      const row = await this.media.create(
        { id: newId('med'), customerId, channelId, sha256: staged.sha256, size: staged.size, mimeType: check.mimeType, ...meta },
        () => staged.commit(),
      );
      return this.counted(row);
    } finally {
      await staged.discard();
    }
  }

  private counted(row: MediaRow): MediaRow {
    this.metrics.stored.inc({ source: row.source });
    this.metrics.storedBytes.inc({ source: row.source }, row.size);
    return row;
  }

  private view(row: MediaRow): MediaView {
    const { url, expiresAt } = this.signedUrl(row.id);
    const retentionDays = this.config.media.retentionDays;
    return {
      media_id: row.id,
      channel_id: row.channelId,
      mime_type: row.mimeType,
      kinds: [...mediaKindsOf(row.mimeType)],
      size: row.size,
      sha256: row.sha256,
      filename: row.filename,
      source: row.source as MediaView['source'],
      in_use: row.inUse,
      created_at: row.createdAt.toISOString(),
      expires_at: row.inUse || retentionDays <= 0 ? null : new Date(row.createdAt.getTime() + retentionDays * 86_400_000).toISOString(),
      url,
      url_expires_at: expiresAt.toISOString(),
    };
  }
}

export function toStoredMedia(row: MediaRow): StoredMedia {
  const rule = mediaTypeRule(row.mimeType);
  return {
    id: row.id,
    customerId: row.customerId,
    channelId: row.channelId,
    mimeType: row.mimeType,
    whatsappMimeType: rule?.whatsappMimeType ?? row.mimeType,
    kinds: rule?.kinds ?? [],
    size: row.size,
    sha256: row.sha256,
    filename: row.filename,
    inUse: row.inUse,
    createdAt: row.createdAt,
  };
}

function tooLarge(maxBytes: number, extra: Record<string, unknown> = {}): AppError {
  return new AppError('invalid_request', `The media is larger than ${maxBytes} bytes.`, {
    details: { reason: 'too_large', max_bytes: maxBytes, ...extra },
  });
}

function unsupportedType(mimeType: string): AppError {
  return new AppError('invalid_request', `${mimeType} is not an accepted media type.`, {
    details: { reason: 'unsupported_type', mime_type: mimeType },
  });
}

/** A client's file name as a plain name: no directories, no control characters, at most 255 characters. */
function cleanFilename(name: string | undefined): string | null {
  const base = (name ?? '').split(/[/\\]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 255);
  return clean.length > 0 ? clean : null;
}

function filenameFromUrl(url: string): string | null {
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    return cleanFilename(last);
  } catch {
    return null;
  }
}
