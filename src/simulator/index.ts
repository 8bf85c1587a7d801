export { WhatsAppSimulator } from './control/simulator';
export type { MediaClient, PhoneInfo, PresenceState, SimulatorOptions } from './control/simulator';
export { GroupRefusal } from './protocol/group-ops';
export type { GroupSetting, ParticipantAction } from './protocol/group-ops';
export type * from './types';
export { ControlServer } from './control/http-server';
export type { Addressing, GroupAddPrivacy } from './state/accounts';
