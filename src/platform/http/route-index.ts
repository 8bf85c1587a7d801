import type { Request } from 'express';

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * The methods the application serves at the request's path, read from express' own router,
 * so a wrong method is answered 405 with an Allow header instead of a misleading 404.
 */
export function allowedMethodsFor(request: Request): string[] {
  const stack = (request.app as unknown as { router?: { stack: RouterLayer[] } }).router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    // Wildcard routes are middleware mounted for every path, not endpoints.
    if (!layer.route || layer.route.path.includes('*')) continue;
    let matches: boolean;
    try {
      matches = layer.match(request.path);
    } catch {
      matches = false;
    }
    if (!matches) continue;
    for (const [method, enabled] of Object.entries(layer.route.methods)) {
      if (enabled && method !== '_all') methods.add(method.toUpperCase());
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
