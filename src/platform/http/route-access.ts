import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route, read by the authentication guard (modules/auth). Here, below every module, so that any
 * route can be marked, the platform's own (metrics) included.
 */
export const ACCESS_KEY = 'whatisup:access';
export type Access = 'public' | 'admin' | 'api_key';

/** No credentials: health, metrics, the OpenAPI document, signed media links. */
export const Public = () => SetMetadata(ACCESS_KEY, 'public' satisfies Access);

/** Operator routes: ADMIN_TOKEN as the bearer credential instead of an API key. */
export const AdminOnly = () => SetMetadata(ACCESS_KEY, 'admin' satisfies Access);
