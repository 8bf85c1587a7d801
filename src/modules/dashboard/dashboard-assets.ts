import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The policy every dashboard response carries: nothing but the gateway's own files runs or styles the page,
 * no inline script or style, images from here or data: URLs (the QR), requests to this origin only, and the
 * page is never framed.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface DashboardAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/**
 * Where the dashboard's files are: `dashboard/` at the repository root, found from this file both when it
 * runs from source (src/modules/dashboard) and compiled (dist/src/modules/dashboard), and in the image.
 */
export function dashboardDirectory(from = __dirname): string {
  const candidates = [path.resolve(from, '../../../dashboard'), path.resolve(from, '../../../../dashboard')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error(`The dashboard's files are missing (looked in ${candidates.join(', ')}).`);
  return found;
}

/**
 * Every file of the dashboard, read once: a request names one of these or gets a 404, so no path a client
 * sends ever reaches the file system.
 */
export function loadDashboardAssets(dir: string): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(name);
      else {
        const contentType = TYPES[path.extname(entry.name)];
        if (!contentType) continue;
        const body = fs.readFileSync(path.join(dir, name));
        const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
        assets.set(name, { body, contentType, etag });
      }
    }
  };
  walk('');
  return assets;
}
