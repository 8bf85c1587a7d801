import { Body, Delete, Get, Param, Post, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiConsumes, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiRoute } from '../../platform/openapi/api-route';
import { CurrentKey } from '../auth/current-principal.decorator';
import { ApiKeyPrincipal } from '../auth/principal';
import { Channel, ChannelController, ChannelRef } from '../channels/channel-route';
import { CREATE_MEDIA_OPENAPI, MediaDto, MediaPageDto, MediaQueryDto } from './media.contracts';
import { MediaService, UploadedMedia } from './media.service';
import { MediaUploadInterceptor } from './media-upload.interceptor';

@ApiTags('Media')
@ChannelController('media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Post()
  @UseInterceptors(MediaUploadInterceptor)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiRoute({
    summary: 'Store a media once (fetched from source_url, or uploaded as multipart) to send it any number of times',
    requestBody: { required: true, content: CREATE_MEDIA_OPENAPI as never },
    status: 201,
    response: MediaDto,
    errors: ['validation'],
    audit: { action: 'media.create', resourceType: 'media' },
    needs: 'active',
  })
  create(@CurrentKey() key: ApiKeyPrincipal, @Channel() channel: ChannelRef, @Body() body: unknown, @Req() request: Request) {
    return this.media.create(key, channel, body, request.file as UploadedMedia | undefined);
  }

  @Get()
  @ApiRoute({
    summary: "The channel's media, newest first",
    status: 200,
    response: MediaPageDto,
    errors: ['validation'],
    needs: 'readable',
  })
  list(@Channel() channel: ChannelRef, @Query() query: MediaQueryDto) {
    return this.media.list(channel, query);
  }

  @Get(':mediaId')
  @ApiRoute({
    summary: 'One media: metadata and a fresh signed link',
    status: 200,
    response: MediaDto,
    errors: ['not_found'],
    needs: 'readable',
  })
  get(@Channel() channel: ChannelRef, @Param('mediaId') mediaId: string) {
    return this.media.get(channel, mediaId);
  }

  @Delete(':mediaId')
  @ApiRoute({
    summary: 'Delete a media; its links answer media_gone, its bytes go when nothing else uses them',
    status: 204,
    errors: ['not_found'],
    audit: { action: 'media.delete', resourceType: 'media' },
    needs: 'readable',
  })
  @ApiNoContentResponse({ description: 'Deleted.' })
  async remove(@Channel() channel: ChannelRef, @Param('mediaId') mediaId: string): Promise<void> {
    await this.media.remove(channel, mediaId);
  }
}
