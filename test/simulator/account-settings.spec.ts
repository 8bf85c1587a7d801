import sharp from 'sharp';
import type { WhatsAppSimulator } from '../../src/simulator';
import { type TestClient, pairedClient } from './support/client';
import { startSimulator } from './support/simulator';

const KIM = '15550007001';
const LEO = '15550007002';
const MIA = '15550007003';
const leoJid = `${LEO}@s.whatsapp.net`;
const miaJid = `${MIA}@s.whatsapp.net`;
const kimJid = `${KIM}@s.whatsapp.net`;

/** An account's own profile, privacy settings and blocklist, set through real Baileys and seen by contacts. */
describe('WhatsAppSimulator account settings', () => {
  let sim: WhatsAppSimulator;
  let kim: TestClient;

  beforeAll(async () => {
    sim = await startSimulator();
    sim.createPhone(LEO, { pushName: 'Leo' });
    sim.createPhone(MIA, { pushName: 'Mia' });
    kim = await pairedClient(sim, KIM, 'Kim');
  });

  afterAll(async () => {
    await kim.close();
    await sim.stop();
  });

  describe('privacy', () => {
    it('stores each setting and answers it on the next read; refuses a value WhatsApp does not take', async () => {
      await kim.sock.updateLastSeenPrivacy('contacts');
      await kim.sock.updateReadReceiptsPrivacy('none');
      await kim.sock.updateCallPrivacy('known');
      const settings = await kim.sock.fetchPrivacySettings(true);
      expect(settings).toMatchObject({ last: 'contacts', readreceipts: 'none', calladd: 'known', online: 'all' });
      await expect(kim.sock.updateOnlinePrivacy('contacts' as never)).rejects.toMatchObject({ data: 400 });
      await expect(kim.sock.updateGroupsAddPrivacy('known' as never)).rejects.toMatchObject({ data: 400 });
      await kim.sock.updateLastSeenPrivacy('all');
      await kim.sock.updateReadReceiptsPrivacy('all');
      // Baileys keeps the settings it last read (it picks read or read-self receipts from them)
      await kim.sock.fetchPrivacySettings(true);
    });

    it('keeps the default disappearing timer, tells it to the other devices, answers it to usync', async () => {
      await kim.sock.updateDefaultDisappearingMode(604_800);
      const [me] = (await kim.sock.fetchDisappearingDuration(kimJid))!;
      expect(me).toMatchObject({ disappearing_mode: { duration: 604_800 } });
      await expect(kim.sock.updateDefaultDisappearingMode(1234)).rejects.toMatchObject({ data: 400 });
      // a change on the phone reaches the companion as an account_sync notification
      sim.setDefaultDisappearing(KIM, 86_400);
      await kim.waitFor('creds.update', (u) => u.accountSettings?.defaultDisappearingMode?.ephemeralExpiration === 86_400);
      sim.setDefaultDisappearing(KIM, 0);
    });

    it('hides last seen from people the setting leaves out', async () => {
      sim.setPrivacy(KIM, { last: 'contacts' });
      sim.addContacts(KIM, [LEO]);
      expect(sim.viewProfile(LEO, KIM).lastSeen).toEqual(expect.any(Number));
      expect(sim.viewProfile(MIA, KIM).lastSeen).toBeNull();
      sim.setPrivacy(KIM, { last: 'all' });
      expect(sim.viewProfile(MIA, KIM).lastSeen).toEqual(expect.any(Number));
      // and a contact's hidden last seen reaches the companion as "deny"
      sim.setPrivacy(MIA, { last: 'none' });
      sim.setPresence(MIA, KIM, 'unavailable');
      const update = await kim.waitFor('presence.update', (u) => u.id === sim.phone(MIA).lid);
      expect(update.presences[sim.phone(MIA).lid]).toMatchObject({ lastKnownPresence: 'unavailable' });
      expect(update.presences[sim.phone(MIA).lid].lastSeen).toBeUndefined();
      sim.setPrivacy(MIA, { last: 'all' });
    });

    it('sends no read receipts to contacts once read receipts are off', async () => {
      const first = await sim.send(LEO, KIM, { type: 'text', text: 'read me' });
      const firstMsg = await kim.waitFor('messages.upsert', (u) => u.messages.some((m) => m.key.id === first));
      await kim.sock.readMessages([firstMsg.messages[0].key]);
      await sim.waitForReceipt(LEO, first, 'read');

      await kim.sock.updateReadReceiptsPrivacy('none');
      await kim.sock.fetchPrivacySettings(true);
      const second = await sim.send(LEO, KIM, { type: 'text', text: 'do not tell me you read this' });
      const secondMsg = await kim.waitFor('messages.upsert', (u) => u.messages.some((m) => m.key.id === second));
      await kim.sock.readMessages([secondMsg.messages[0].key]);
      // the phone's own receipts come through; a read one for the second message never does
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(sim.receipts(LEO).filter((r) => r.messageId === second && r.type === 'read')).toEqual([]);
      await kim.sock.updateReadReceiptsPrivacy('all');
      await kim.sock.fetchPrivacySettings(true);
    });
  });

  describe('blocklist', () => {
    it('blocks and unblocks by phone number (Baileys sends the LID), lists by LID', async () => {
      await kim.sock.updateBlockStatus(leoJid, 'block');
      expect(await kim.sock.fetchBlocklist()).toEqual([sim.phone(LEO).lid]);
      expect(sim.blocklist(KIM)).toEqual([LEO]);
      await kim.sock.updateBlockStatus(leoJid, 'unblock');
      expect(await kim.sock.fetchBlocklist()).toEqual([]);
    });

    it('tells the companion of a block made on the phone', async () => {
      sim.block(KIM, MIA);
      await kim.waitFor('blocklist.update', (u) => u.type === 'add' && u.blocklist.includes(sim.phone(MIA).lid));
      sim.unblock(KIM, MIA);
      await kim.waitFor('blocklist.update', (u) => u.type === 'remove' && u.blocklist.includes(sim.phone(MIA).lid));
    });

    it('delivers nothing between a blocked pair, either way', async () => {
      sim.block(KIM, MIA);
      const fromMia = await sim.send(MIA, KIM, { type: 'text', text: 'you will not see this' });
      const toMia = await kim.sock.sendMessage(miaJid, { text: 'nor this' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(kim.events('messages.upsert').flatMap((u) => u.messages.map((m) => m.key.id))).not.toContain(fromMia);
      expect(sim.received(MIA).map((m) => m.id)).not.toContain(toMia!.key.id);
      sim.unblock(KIM, MIA);
      const after = await kim.sock.sendMessage(miaJid, { text: 'after the unblock' });
      await sim.waitForMessage(MIA, (m) => m.id === after!.key.id);
    });
  });

  describe('profile', () => {
    it('stores the about text and shows it to contacts under the about privacy setting', async () => {
      await kim.sock.updateProfileStatus('At the gym');
      expect(sim.viewProfile(LEO, KIM).about).toBe('At the gym');
      sim.setPrivacy(KIM, { status: 'none' });
      expect(sim.viewProfile(LEO, KIM).about).toBeNull();
      sim.setPrivacy(KIM, { status: 'all' });
      // and a contact's about text reaches the companion by usync
      sim.setAbout(LEO, 'Busy');
      const [leo] = (await kim.sock.fetchStatus(leoJid))!;
      expect(leo).toMatchObject({ status: { status: 'Busy' } });
      sim.setPrivacy(LEO, { status: 'contacts' });
      const [hidden] = (await kim.sock.fetchStatus(leoJid))!;
      expect(hidden).toMatchObject({ status: { status: '' } });
    });

    it('sets, reads and removes the own picture; a contact sees it unless privacy hides it', async () => {
      await expect(kim.sock.profilePictureUrl(kimJid, 'image')).rejects.toMatchObject({ data: 404 });
      const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#c33' } })
        .png()
        .toBuffer();
      await kim.sock.updateProfilePicture(kimJid, png);
      const url = await kim.sock.profilePictureUrl(kimJid, 'image');
      expect(url).toBe(sim.viewProfile(LEO, KIM).pictureUrl);
      expect(await sharp(sim.profilePicture(KIM)!).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 640 });
      sim.setPrivacy(KIM, { profile: 'contacts' });
      expect(sim.viewProfile(MIA, KIM).pictureUrl).toBeNull();
      sim.setPrivacy(KIM, { profile: 'all' });
      await kim.sock.removeProfilePicture(kimJid);
      expect(sim.viewProfile(LEO, KIM).pictureUrl).toBeNull();
    });

    it('takes the push name from the presence Baileys sends when it changes', async () => {
      await kim.sock.updateProfileName('Kimberly');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sim.viewProfile(LEO, KIM).name).toBe('Kimberly');
    });
  });
});
