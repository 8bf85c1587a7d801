/** Security scheme of the public API, an API key: routes say `@ApiBearerAuth()`. */
export const API_KEY_SECURITY = 'bearer';

/** Security scheme of the operator API, ADMIN_TOKEN: routes say `@ApiBearerAuth(ADMIN_SECURITY)`. */
export const ADMIN_SECURITY = 'admin';
