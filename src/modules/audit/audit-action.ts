/** A mutating route's action in the audit log, with the type of resource it acts on. */
export interface AuditActionMeta {
  action: string;
  resourceType?: string;
}

declare module '../../platform/openapi/api-route' {
  interface ApiRouteExtensions {
    /** The audit log's action and the type of resource it acts on, for routes that change something. */
    audit?: AuditActionMeta;
  }
}
