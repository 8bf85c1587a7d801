import type { NextFunction, Request, Response } from 'express';

/**
 * Drops `If-None-Match: *` from reads before anything looks at it.
 *
 * Express answers a GET 304 whenever its freshness check (the `fresh` package) calls the request fresh, and that
 * check treats a bare `*` as fresh without comparing anything: every JSON read would come back as an empty 304.
 * A client that never saw a representation has nothing to reuse, and `*` names no representation it holds, so
 * the gateway ignores it on reads and answers in full; a listed ETag (strong or weak) still gets its 304, from
 * Express for JSON answers and from the media route for signed links. `*` is only meaningful for writes
 * ("create only if absent"), and no write route offers conditional requests.
 */
export function ignoreIfNoneMatchAnyOnReads(request: Request, _response: Response, next: NextFunction): void {
  if ((request.method === 'GET' || request.method === 'HEAD') && request.headers['if-none-match']?.trim() === '*') {
    delete request.headers['if-none-match'];
  }
  next();
}
