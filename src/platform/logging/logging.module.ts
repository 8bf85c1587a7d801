import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import { requestIdOf } from '../http/request-id';

/** Structured JSON logs; every request line carries its request id; credentials are never written. */
@Module({})
export class LoggingModule {
  static forRoot(level: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level,
            genReqId: (request: IncomingMessage) => requestIdOf(request as Request),
            customAttributeKeys: { reqId: 'request_id' },
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-admin-token"]', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url }),
            },
          },
        }),
      ],
    };
  }
}
