export { WhatsAppSimulator } from './control/simulator';
export type { MediaClient, PhoneInfo, PresenceState, SimulatorOptions } from './control/simulator';
export type { ParticipantAction } from './protocol/group-iq';
export type { CallEnding } from './protocol/calls';
export type * from './types';
export { ControlServer } from './control/http-server';
export type { Addressing } from './state/accounts';
