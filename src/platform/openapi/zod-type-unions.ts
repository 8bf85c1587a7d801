import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DECORATORS, type OpenAPIObject } from '@nestjs/swagger';
import { z } from 'zod';

interface ZodDto {
  readonly name: string;
  readonly schema: z.ZodType;
}

export interface ZodDtoUse {
  dto: ZodDto;
  io: 'input' | 'output';
}

function isZodDto(value: unknown): value is ZodDto {
  return typeof value === 'function' && (value as { isZodDto?: unknown }).isZodDto === true;
}

/** `Dto.Output` classes (what `@ZodResponse` documents) are marked output under nestjs-zod's unexported `io` symbol. */
function ioOf(dto: ZodDto): 'input' | 'output' {
  const symbol = Object.getOwnPropertySymbols(dto).find((s) => s.description === 'io');
  return symbol && (dto as unknown as Record<symbol, unknown>)[symbol] === 'output' ? 'output' : 'input';
}

/**
 * The zod DTOs the routes are documented with, read from the same metadata @nestjs/swagger reads: parameter
 * types (bodies and queries) and response types.
 */
export function zodDtosOf(app: INestApplication): ZodDtoUse[] {
  const uses = new Map<ZodDto, ZodDtoUse>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      const prototype = (metatype as { prototype?: object } | null)?.prototype;
      if (!prototype) continue;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        if (method === 'constructor') continue;
        const handler = (prototype as Record<string, unknown>)[method];
        if (typeof handler !== 'function') continue;
        const params = (Reflect.getMetadata('design:paramtypes', prototype, method) ?? []) as unknown[];
        for (const type of params) if (isZodDto(type)) uses.set(type, { dto: type, io: ioOf(type) });
        const responses = (Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) ?? {}) as Record<string, { type?: unknown }>;
        for (const { type } of Object.values(responses)) {
          const dto: unknown = Array.isArray(type) ? type[0] : type;
          if (isZodDto(dto)) uses.set(dto, { dto, io: ioOf(dto) });
        }
      }
    }
  }
  return [...uses.values()];
}

/** The components.schemas name nestjs-zod gives a DTO: its zod `id` (`_Output` for output), else the class name. */
export function componentNameOf({ dto, io }: ZodDtoUse): string {
  const id = z.globalRegistry.get(dto.schema)?.id;
  if (!id) return dto.name; // an output DTO class is already named `…_Output`
  return io === 'output' ? `${id}_Output` : id;
}

/**
 * Gives top-level DTO properties that zod writes as a `type` array their schema back.
 *
 * zod ≥ 4.5 writes `z.string().nullable()` as `{ type: ["string", "null"] }` (the same for nullable numbers
 * and booleans, and for unions of bare types). nestjs-zod passes each top-level DTO property through
 * @nestjs/swagger, which reads a `type` array as "an array of the first type": every such field was published
 * as `{ type: "array", items: { type: "string" } }`. Nested schemas are emitted by nestjs-zod itself and were
 * right, and so were nullable enums, objects, dates and integers (zod keeps those as `anyOf`, which swagger
 * passes through). Only `type`-array properties are replaced: zod compacts nothing but bare types into one, so
 * their schema holds no `$ref` to rewrite. Done here, on the finished document, rather than by wrapping every
 * DTO, so the contracts stay plain `createZodDto` classes.
 */
export function restoreTypeUnions(document: OpenAPIObject, uses: ZodDtoUse[]): void {
  const schemas = document.components?.schemas ?? {};
  for (const use of uses) {
    const published = schemas[componentNameOf(use)] as { properties?: Record<string, unknown> } | undefined;
    if (!published?.properties) continue;
    const generated = z.toJSONSchema(use.dto.schema, { io: use.io }) as { properties?: Record<string, { type?: unknown }> };
    for (const [name, property] of Object.entries(generated.properties ?? {})) {
      if (Array.isArray(property.type) && name in published.properties) published.properties[name] = structuredClone(property);
    }
  }
}
