import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import multer from 'multer';
import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import { APP_CONFIG, AppConfig } from '../../platform/config/app-config';
import { AppError } from '../../platform/errors/app-error';
import { channelOf } from '../channels/channel-route';
import { MediaStorage, MediaTooLargeError } from './media-storage';
import type { UploadedMedia } from './media.service';

interface MulterFile {
  originalname: string;
  mimetype: string;
  stream: Readable;
}

/**
 * Parses `multipart/form-data` uploads of `POST /v1/channels/{channelId}/media` (other bodies pass untouched).
 * The `file` part is streamed straight into the media storage's staging area, hashed and measured on the
 * way, so an upload is never held in memory; `request.file.staged` is what the service commits or drops.
 * It runs after ChannelAccessGuard, so nothing is staged for a channel the key may not upload to.
 */
@Injectable()
export class MediaUploadInterceptor implements NestInterceptor {
  private readonly upload: ReturnType<ReturnType<typeof multer>['single']>;

  constructor(storage: MediaStorage, @Inject(APP_CONFIG) config: AppConfig) {
    const maxBytes = config.media.maxBytes;
    const engine: multer.StorageEngine = {
      _handleFile: (_request, file, callback) => {
        storage.stage((file as unknown as MulterFile).stream, { maxBytes }).then(
          (staged) => callback(null, { staged } as Partial<Express.Multer.File>),
          (error: Error) => callback(error),
        );
      },
      _removeFile: (_request, file, callback) => {
        const staged = (file as unknown as UploadedMedia).staged;
        (staged ? staged.discard() : Promise.resolve()).then(
          () => callback(null),
          (error: Error) => callback(error),
        );
      },
    };
    this.upload = multer({
      storage: engine,
      limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 4096, parts: 12 },
    }).single('file');
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<Request>();
    if (request.is('multipart/form-data')) {
      if (!channelOf(request)) throw new Error('MediaUploadInterceptor runs only on a route of a ChannelController');
      const response = context.switchToHttp().getResponse<Response>();
      await new Promise<void>((resolve, reject) => {
        this.upload(request, response, (error: unknown) => (error ? reject(toAppError(error)) : resolve()));
      });
      if (!request.file) {
        throw new AppError('invalid_request', 'The multipart body has no `file` part.', {
          details: { issues: [{ path: ['file'], code: 'invalid_type', message: 'required' }] },
        });
      }
    }
    return next.handle();
  }
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof MediaTooLargeError || (error as { code?: string }).code === 'LIMIT_FILE_SIZE') {
    const maxBytes = error instanceof MediaTooLargeError ? error.maxBytes : undefined;
    return new AppError('invalid_request', 'The media is larger than this gateway accepts.', {
      details: { reason: 'too_large', max_bytes: maxBytes },
    });
  }
  if (error instanceof multer.MulterError) {
    return new AppError('invalid_request', `Invalid multipart body: ${error.message}.`, {
      details: { reason: error.code, field: error.field },
    });
  }
  return new AppError('bad_request', 'The multipart body could not be read.', { details: { reason: (error as Error).message } });
}
