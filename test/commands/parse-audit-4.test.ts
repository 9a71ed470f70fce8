/**
 * A trader's audit: an unknown asset's answer lists a dozen tracked assets and says how many more there are, so an
 * asset past the cut (FIL, the 200th) is not read as untracked.
 */
import { describe, expect, it } from 'vitest';
import { parseAsset } from '../../commands/parse.js';

/** 221 tracked assets, as the audit's file had: BTC, ETH, … and 219 others. */
const KNOWN = ['BTC', 'ETH', ...Array.from({ length: 218 }, (_, i) => `A${String(i).padStart(3, '0')}`), 'FIL'];

describe('an unknown asset', () => {
  it('is answered with the first twelve tracked and how many more', () => {
    expect(KNOWN).toHaveLength(221);
    expect(parseAsset('zzz', KNOWN)).toEqual({
      ok: false,
      error: 'unknown_asset',
      message: 'Unknown asset "zzz". Tracked: BTC, ETH, A000, A001, A002, A003, A004, A005, A006, A007, A008, A009 and 209 more.',
    });
    // FIL, past the cut, is tracked.
    expect(parseAsset('fil', KNOWN)).toEqual({ ok: true, value: 'FIL' });
  });

  it('lists them all, with nothing more said, where there are twelve or fewer', () => {
    const twelve = KNOWN.slice(0, 12);
    expect(parseAsset('zzz', twelve)).toMatchObject({ message: 'Unknown asset "zzz". Tracked: BTC, ETH, A000, A001, A002, A003, A004, A005, A006, A007, A008, A009.' });
    expect(parseAsset('zzz', KNOWN.slice(0, 13))).toMatchObject({ message: expect.stringMatching(/, A009 and 1 more\.$/) as unknown });
  });

  it('keeps what the user typed escaped as before: cut, a link not repeated', () => {
    expect(parseAsset('x.com!', KNOWN)).toMatchObject({ message: expect.stringMatching(/^Unknown asset \(a link, not repeated\)\. Tracked: BTC, .* and 209 more\.$/) as unknown });
    expect(parseAsset('zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', KNOWN)).toMatchObject({ message: expect.stringMatching(/^Unknown asset "z{24}…"\. Tracked: .* and 209 more\.$/) as unknown });
  });
});
