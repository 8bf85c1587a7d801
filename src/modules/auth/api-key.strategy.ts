import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { ApiKeyLookup } from './api-key-lookup';
import { assertApiKeyShape } from './bearer-token';
import { ApiKeyPrincipal } from './principal';

export const API_KEY_STRATEGY = 'api-key';

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  constructor(private readonly keys: ApiKeyLookup) {
    super();
  }

  async validate(token: string): Promise<ApiKeyPrincipal> {
    assertApiKeyShape(token);
    return this.keys.authenticate(token);
  }
}
