import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../platform/errors/app-error';
import { ErrorEnvelope } from '../../platform/errors/error-envelope';
import { Public } from '../../platform/http/route-access';
import { ApiRoute } from '../../platform/openapi/api-route';
import { contentDisposition, parseRange } from './media-http';
import { MediaService } from './media.service';

/** Types a browser may render from our origin; everything else is served as a download. */
const INLINE = /^(image\/(jpeg|png|gif|webp)|video\/|audio\/|application\/pdf$)/;

/**
 * The public signed media link: the token is the whole authorization. Answers are private to the holder of
 * the link (never cached past its expiry), sandboxed, and never sniffed into another type by a browser.
 */
@ApiTags('Media')
@Controller('v1/media')
export class PublicMediaController {
  constructor(private readonly media: MediaService) {}

  @Get(':token')
  @Public()
  @ApiRoute({ summary: 'The bytes behind a signed media link (no API key; Range requests supported)', status: 200, errors: ['media_gone'] })
  @ApiParam({ name: 'token', description: 'The signed token of a media `url`.' })
  @ApiResponse({
    status: 200,
    description: 'The whole media, with its own Content-Type.',
    content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({
    status: 206,
    description: 'The byte range asked for, with Content-Range.',
    content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag).' })
  @ApiResponse({ status: 416, type: ErrorEnvelope, description: 'Error codes: `invalid_request` (the range is past the end)' })
  async serve(
    @Param('token') token: string,
    @Headers('range') rangeHeader: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Headers('if-range') ifRange: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const { media, expiresAt, open } = await this.media.openPublic(token);
    const etag = `"${media.sha256}"`;
    const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
    response.setHeader('ETag', etag);
    response.setHeader('Cache-Control', `private, max-age=${maxAge}`);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      response.status(304).end();
      return;
    }
    const wanted = ifRange && ifRange.trim() !== etag ? { kind: 'full' as const } : parseRange(rangeHeader, media.size);
    if (wanted.kind === 'unsatisfiable') {
      throw new AppError('invalid_request', `The range is outside the ${media.size} bytes of this media.`, {
        status: 416,
        headers: { 'Content-Range': `bytes */${media.size}` },
        details: { reason: 'range_not_satisfiable', size: media.size },
      });
    }
    const range = wanted.kind === 'partial' ? wanted.range : undefined;
    const body = await open(range);
    response.setHeader('Content-Type', media.mimeType);
    response.setHeader('Content-Disposition', contentDisposition(INLINE.test(media.mimeType) ? 'inline' : 'attachment', media.filename));
    if (range) {
      response.status(206);
      response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${media.size}`);
      response.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      response.status(200);
      response.setHeader('Content-Length', String(media.size));
    }
    if (response.req.method === 'HEAD') {
      body.destroy();
      response.end();
      return;
    }
    // A client that goes away mid-download ends the pipeline with an error; nothing is left to answer.
    await pipeline(body, response).catch(() => undefined);
  }
}
