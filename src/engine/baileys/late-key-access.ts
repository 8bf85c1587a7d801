import type { SignalKeyStore, SignalKeyStoreWithTransaction } from '@whiskeysockets/baileys';
import { SharedAsyncLocalStorage } from './shared-async-context';

/**
 * Makes key reads and writes that outlive the key-store transaction they started in go to the store itself.
 *
 * Baileys runs each send in a transaction of its key store (the writes wait in an async context and are
 * written when the work ends) and, once the stanza is out, issues the contact a trusted-contact privacy token
 * without waiting for the answer. That promise chain inherits the transaction's context, which has ended and
 * been written by the time WhatsApp answers: the write that records the issuance goes into a transaction
 * nobody writes any more and is lost. Every later send to the contact then issues a token again, one more
 * query to WhatsApp for each message where WhatsApp Web issues one a week per contact (on the simulator, 73
 * issuances for 100 messages to one contact).
 *
 * `keys` is the socket's transactional store (`socket.authState.keys`, the object Baileys' own code calls);
 * `store` is what its transactions write to (the store given as `auth.keys`).
 */
export function sendLateKeyAccessToStore(keys: SignalKeyStoreWithTransaction, store: SignalKeyStore): void {
  // A view over the process' one shared storage: no async-context cost of its own (see shared-async-context.ts).
  const transactions = new SharedAsyncLocalStorage<{ ended: boolean }>();
  const transaction = keys.transaction.bind(keys);
  const get = keys.get.bind(keys);
  const set = keys.set.bind(keys);
  const ended = () => transactions.getStore()?.ended === true;

  keys.transaction = <T>(work: () => Promise<T>, key: string): Promise<T> => {
    if (keys.isInTransaction()) return transaction(work, key);
    const state = { ended: false };
    // Ended once Baileys has written the transaction's changes: from then on the store holds all of them. A
    // write between the end of the work and the end of that write is lost as before (none was seen there).
    return transactions
      .run(state, () => transaction(work, key))
      .finally(() => {
        state.ended = true;
      });
  };
  keys.get = (type, ids) => (ended() ? store.get(type, ids) : get(type, ids));
  keys.set = (data) => (ended() ? store.set(data) : set(data));
}
