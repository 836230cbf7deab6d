import qrcode from 'qrcode-generator';
import { html } from './html.js';

/** A QR code of the link as an image (a data: URL: the page's policy allows no inline markup or styles). */
function qrImage(link) {
  const code = qrcode(0, 'M');
  code.addData(link);
  code.make();
  return code.createDataURL(6, 4);
}

/**
 * Fleetgate's key pairing link (https://tesla.com/_ak/<domain>) and its QR code: an owner scans it
 * with the Tesla app on the phone that is the vehicle's key, and approves Fleetgate's fleet key.
 */
export function Pairing({ link }) {
  if (!link) {
    return null;
  }
  return html`
    <details class="card pairing">
      <summary>Pair Fleetgate's key with a vehicle</summary>
      <p>The vehicle's owner scans this with the phone that holds the Tesla app and the vehicle's
        key, or opens <a href=${link} target="_blank" rel="noopener">${link}</a> on it.</p>
      <img id="pairing-qr" src=${qrImage(link)} data-link=${link} width="200" height="200"
           alt=${`QR code of ${link}`} />
    </details>`;
}
