import { dropSignalSessionDumps } from '../../src/engine/baileys/signal-session-logs';

// Test files that run Baileys or the simulator without the gateway's session manager (which installs this
// itself) would print every Signal session change, keys included, between the results.
dropSignalSessionDumps();
