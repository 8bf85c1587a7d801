import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ZodResponse } from 'nestjs-zod';
import { ApiErrorResponses } from '../../platform/openapi/api-error-responses';
import { AuditAction } from '../audit/audit-action.decorator';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { CREATE_MEDIA_OPENAPI, MediaDto, MediaPageDto, MediaQueryDto } from './media.contracts';
import { MediaService, UploadedMedia } from './media.service';
import { MediaUploadInterceptor } from './media-upload.interceptor';

const CHANNEL_ERRORS = ['auth', 'channel_not_found', 'channel_access_denied', 'channel_scoped_key', 'channel_unavailable'] as const;

@ApiTags('Media')
@ApiBearerAuth()
@Controller('v1/channels/:channelId/media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Post()
  @UseInterceptors(MediaUploadInterceptor)
  @AuditAction('media.create', 'media')
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiOperation({
    summary: 'Store a media once (fetched from source_url, or uploaded as multipart) to send it any number of times',
    requestBody: { required: true, content: CREATE_MEDIA_OPENAPI as never },
  })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'validation')
  @ZodResponse({ status: 201, type: MediaDto })
  create(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Body() body: unknown, @Req() request: Request) {
    return this.media.create(key, channelId, body, request.file as UploadedMedia | undefined);
  }

  @Get()
  @ApiOperation({ summary: "The channel's media, newest first" })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'validation')
  @ZodResponse({ status: 200, type: MediaPageDto })
  list(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Query() query: MediaQueryDto) {
    return this.media.list(key, channelId, query);
  }

  @Get(':mediaId')
  @ApiOperation({ summary: 'One media: metadata and a fresh signed link' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'not_found')
  @ZodResponse({ status: 200, type: MediaDto })
  get(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('mediaId') mediaId: string) {
    return this.media.get(key, channelId, mediaId);
  }

  @Delete(':mediaId')
  @HttpCode(204)
  @AuditAction('media.delete', 'media')
  @ApiOperation({ summary: 'Delete a media; its links answer media_gone, its bytes go when nothing else uses them' })
  @ApiErrorResponses(...CHANNEL_ERRORS, 'not_found')
  @ApiNoContentResponse({ description: 'Deleted.' })
  async remove(@CurrentKey() key: ApiKeyPrincipal, @Param('channelId') channelId: string, @Param('mediaId') mediaId: string): Promise<void> {
    await this.media.remove(key, channelId, mediaId);
  }
}
