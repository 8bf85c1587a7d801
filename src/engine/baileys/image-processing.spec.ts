import { generateProfilePicture } from '@whiskeysockets/baileys';
import sharp from 'sharp';

/**
 * Baileys builds profile and group pictures (and image thumbnails) with an image library it finds at run time;
 * without one, setting a picture fails. The gateway ships sharp for it.
 */
describe('image processing for Baileys', () => {
  it('turns an uploaded PNG into the square JPEG WhatsApp takes as a profile or group picture', async () => {
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#2a7' } })
      .png()
      .toBuffer();
    const { img } = await generateProfilePicture(png);
    const meta = await sharp(img).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 640, height: 640 });
  });
});
