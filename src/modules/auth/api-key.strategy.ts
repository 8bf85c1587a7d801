import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { AccountsService } from '../accounts/accounts.service';
import { assertApiKeyShape } from './bearer-token';
import { ApiKeyPrincipal } from './principal';

export const API_KEY_STRATEGY = 'api-key';

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  constructor(private readonly accounts: AccountsService) {
    super();
  }

  async validate(token: string): Promise<ApiKeyPrincipal> {
    assertApiKeyShape(token);
    return this.accounts.authenticate(token);
  }
}
