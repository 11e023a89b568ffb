/** Turns the digest engine's {@link OutgoingMail} into the raw MIME message every adapter delivers. */
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { encode as quotedPrintable, wrap as wrapQuotedPrintable } from 'nodemailer/lib/qp/index.js';
import { SharedText, type MailBody, type OutgoingMail } from '../digest/mailer.js';

/** A message as delivered: SMTP envelope and the RFC 5322 bytes (CRLF line ends). */
export interface BuiltMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

/** What 7bit cannot carry besides lines over 998 octets (RFC 2045 §2.7): 8-bit bytes and NUL. */
const NOT_SEVEN_BIT = /[^\x01-\x7f]/;
const MAX_LINE = 998;
/** Quoted-printable lines are at most 76 characters (RFC 2045). */
const QP_LINE = 76;
const CRLF = Buffer.from('\r\n');

/**
 * Builds messages as bytes, so an adapter only moves them. Nodemailer builds and encodes every
 * header from the fields (folding, RFC 2047 words), so no value can start a header line of its
 * own; one-click unsubscribe follows RFC 8058. The body is put together here from pieces encoded
 * apart: a part goes as it is (7bit) when every piece can, as HTML that escapes non-ASCII
 * characters can, and else as quoted-printable, which encodes line by line, so the pieces that
 * thousands of digests share ({@link SharedText}) are encoded once and their bytes reused.
 */
export class MessageBuilder {
  private readonly shared = new WeakMap<SharedText, EncodedPiece>();

  build(mail: OutgoingMail): BuiltMessage {
    const parts = [encodePart('text/plain', this.pieces(mail.text)), ...(mail.html === undefined ? [] : [encodePart('text/html', this.pieces(mail.html))])];
    // Headers with non-ASCII text are encoded words in base64, which is native; quoted-printable is not.
    const root = new MimeNode(parts.length === 1 ? parts[0]!.type : 'multipart/alternative', { textEncoding: 'B' });
    root.setHeader({
      From: mail.from,
      To: mail.to,
      Subject: mail.subject,
      'Message-ID': `<${mail.messageId}>`,
      Date: mail.date.toUTCString().replace(/GMT$/, '+0000'),
      // One List-Unsubscribe header with both targets, as RFC 2369 and the large mailbox providers expect.
      ...(mail.unsubscribe && {
        'List-Unsubscribe': `<${mail.unsubscribe.url}>, <${mail.unsubscribe.mailto}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      }),
    });
    if (parts.length === 1) root.setHeader('Content-Transfer-Encoding', parts[0]!.encoding);
    // Building the headers picks the multipart boundary.
    const chunks: Buffer[] = [Buffer.from(`${root.buildHeaders()}\r\n\r\n`)];
    if (parts.length === 1) {
      chunks.push(...parts[0]!.chunks, CRLF);
    } else {
      const delimiter = `--${root.boundary}`;
      for (const part of parts) {
        chunks.push(Buffer.from(`${delimiter}\r\nContent-Type: ${part.type}\r\nContent-Transfer-Encoding: ${part.encoding}\r\n\r\n`), ...part.chunks, CRLF);
      }
      chunks.push(Buffer.from(`${delimiter}--\r\n`));
    }
    const envelope = root.getEnvelope();
    return { envelope: { from: envelope.from || '', to: envelope.to }, raw: Buffer.concat(chunks) };
  }

  /** The body as encoded pieces of whole lines: loose text is joined up to the next line end. */
  private pieces(body: MailBody): EncodedPiece[] {
    if (typeof body === 'string') return [new EncodedPiece(body)];
    const pieces: EncodedPiece[] = [];
    let loose = '';
    body.forEach((piece, index) => {
      const last = index === body.length - 1;
      if (piece instanceof SharedText && loose === '' && (last || piece.text.endsWith('\n'))) {
        let encoded = this.shared.get(piece);
        if (!encoded) {
          encoded = new EncodedPiece(piece.text);
          this.shared.set(piece, encoded);
        }
        pieces.push(encoded);
        return;
      }
      loose += piece instanceof SharedText ? piece.text : piece;
      if (last || loose.endsWith('\n')) {
        pieces.push(new EncodedPiece(loose));
        loose = '';
      }
    });
    return pieces;
  }
}

/** A piece of whole lines with CRLF line ends, as it is (when 7bit can carry it) or quoted-printable, each encoded when first needed. */
class EncodedPiece {
  readonly sevenBit: boolean;
  private readonly text: string;
  private plainBytes: Buffer | undefined;
  private quotedBytes: Buffer | undefined;

  constructor(text: string) {
    this.text = text.replace(/\r\n?|\n/g, '\r\n');
    this.sevenBit = !NOT_SEVEN_BIT.test(this.text) && !hasLongLine(this.text);
  }

  get plain(): Buffer {
    this.plainBytes ??= Buffer.from(this.text, 'latin1');
    return this.plainBytes;
  }

  get quoted(): Buffer {
    this.quotedBytes ??= Buffer.from(wrapQuotedPrintable(quotedPrintable(this.text), QP_LINE), 'latin1');
    return this.quotedBytes;
  }
}

/** One body part: its content type, transfer encoding and bytes. */
function encodePart(type: string, pieces: readonly EncodedPiece[]): { type: string; encoding: '7bit' | 'quoted-printable'; chunks: Buffer[] } {
  if (pieces.every((piece) => piece.sevenBit)) return { type: `${type}; charset=us-ascii`, encoding: '7bit', chunks: pieces.map((piece) => piece.plain) };
  return { type: `${type}; charset=utf-8`, encoding: 'quoted-printable', chunks: pieces.map((piece) => piece.quoted) };
}

/** Scans for line ends instead of matching long lines with a regex, which would restart at every character. */
function hasLongLine(text: string): boolean {
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
    if (end - start > MAX_LINE + 1) return true;
    start = end + 1;
  }
  return text.length - start > MAX_LINE;
}
