import type { OpenAPIObject, OperationObject, ParameterObject } from '@nestjs/swagger';

export const CHANNEL_PARAMETER = 'channelId';

/**
 * The parameter after a `channels` segment is the channel, and is published as `{channelId}` on every path,
 * so a generated client has one name for it. Routes name it `channelId` themselves; this keeps the document
 * right for one that does not. Parameter names are not on the wire, so nothing else changes.
 */
export function nameChannelParameters(document: OpenAPIObject): void {
  const paths: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    const match = path.match(/\/channels\/\{([^}]+)\}/);
    const old = match?.[1];
    if (!old || old === CHANNEL_PARAMETER) {
      paths[path] = item;
      continue;
    }
    for (const operation of Object.values(item) as OperationObject[]) {
      for (const parameter of (operation?.parameters ?? []) as ParameterObject[]) {
        if (parameter.in === 'path' && parameter.name === old) parameter.name = CHANNEL_PARAMETER;
      }
    }
    paths[path.replace(`/channels/{${old}}`, `/channels/{${CHANNEL_PARAMETER}}`)] = item;
  }
  document.paths = paths;
}
