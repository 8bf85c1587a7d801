import type { LoggerService } from '@nestjs/common';
import pino, { type Level, type Logger } from 'pino';
import { currentRequest } from './request-context';

/**
 * Nest's logger over pino: one JSON line per call, `context` naming the class that wrote it, and `request_id`
 * with the request's method and URL when written while serving one.
 *
 * Nest's contract: `log(message, ...params, context)`; a message may be an object (its fields go on the line)
 * or an Error (as `err`); the exception handlers call `error(message, stack, context)`.
 */
export class AppLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  static create(level: string): AppLogger {
    return new AppLogger(pino({ level }));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const line: Record<string, unknown> = {};
    const request = currentRequest();
    if (request) {
      line.request_id = request.requestId;
      line.req = { method: request.method, url: request.url };
    }
    const rest = params.slice(0, -1);
    if (params.length > 0) line.context = params[params.length - 1];
    if (message instanceof Error) {
      line.err = message;
      this.pino[level](line, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level](Object.assign(line, message), ...(rest as []));
    } else if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s+at /.test(rest[0])) {
      // error(message, stack, context): the stack as the error's, not as a format argument
      const error = new Error(String(message));
      error.stack = rest[0];
      line.err = error;
      this.pino[level](line, String(message));
    } else {
      this.pino[level](line, String(message), ...(rest as []));
    }
  }
}
