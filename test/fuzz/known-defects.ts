/**
 * What the generated requests found that the gateway or its document does not get right yet, and that is
 * not fixed in this change. Each entry is narrow (an operation set, a status, an error code); a request that
 * matches one does not fail the suite, but is counted and printed at the end of every run, with its first
 * reproducing request, so the list stays visible. Remove an entry as soon as its fix lands: a finding that
 * no longer occurs is printed as such.
 */
export interface Finding {
  /** `METHOD /template` of the operation. */
  operation: string;
  kind: 'server_error' | 'envelope' | 'contract';
  status: number;
  /** `error.code` of the body, when there is one. */
  code?: string;
  /** The checker's complaint. */
  problem: string;
  /** Whether the operation declares a JSON request body. */
  hasBody: boolean;
}

export interface KnownDefect {
  name: string;
  why: string;
  matches(finding: Finding): boolean;
}

export const KNOWN_DEFECTS: KnownDefect[] = [];
