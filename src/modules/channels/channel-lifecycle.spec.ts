import { AppError } from '../../platform/errors/app-error';
import { ACTION_FROM, assertActionAllowed, assertTransition, CHANNEL_STATES, TRANSITIONS, webhookEventFor } from './channel-lifecycle';

describe('channel lifecycle', () => {
  it('has a row for each of the eleven states, naming only known states', () => {
    expect(CHANNEL_STATES).toHaveLength(11);
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...CHANNEL_STATES].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const t of targets) expect(CHANNEL_STATES).toContain(t);
  });

  it('lets every state be disabled by the operator, and disabled leave only to pending', () => {
    for (const state of CHANNEL_STATES) {
      if (state !== 'disabled_by_admin') expect(TRANSITIONS[state]).toContain('disabled_by_admin');
    }
    expect(TRANSITIONS.disabled_by_admin).toEqual(['pending']);
  });

  it('starts a new channel at pending, from which failed is unreachable', () => {
    expect(TRANSITIONS.pending).not.toContain('failed');
  });

  it('refuses an invalid transition with the current state in details', () => {
    try {
      assertTransition('pending', 'connected');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_lifecycle_transition');
      expect((error as AppError).details).toMatchObject({ current_state: 'pending', requested_state: 'connected' });
    }
  });

  it('allows each user action exactly from its listed states', () => {
    for (const [action, from] of Object.entries(ACTION_FROM)) {
      for (const state of CHANNEL_STATES) {
        const run = () => assertActionAllowed(action as keyof typeof ACTION_FROM, state);
        if (from.includes(state)) expect(run).not.toThrow();
        else expect(run).toThrow(AppError);
      }
    }
  });

  it('maps reaching and leaving connected to the webhook events', () => {
    expect(webhookEventFor('connecting', 'connected')).toBe('channel.connected');
    expect(webhookEventFor('connected', 'disconnected')).toBe('channel.disconnected');
    expect(webhookEventFor('connected', 'logged_out')).toBe('channel.disconnected');
    expect(webhookEventFor('pending', 'connecting')).toBeNull();
  });
});
