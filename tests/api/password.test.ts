import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from '../../api/auth/password.js';

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same password 1'), hashPassword('same password 1')]);
    expect(a).not.toBe(b);
  });

  it('treats full-width and half-width input alike (NFKC), so a Chinese IME does not lock people out', async () => {
    const stored = await hashPassword('Pingan2026!');
    expect(await verifyPassword('Ｐｉｎｇａｎ２０２６！', stored)).toBe(true);
  });

  it('refuses unreadable or tampered hashes without throwing', async () => {
    expect(await verifyPassword('whatever pw', 'plain-text')).toBe(false);
    expect(await verifyPassword('whatever pw', 'scrypt$abc$8$1$AAAA$BBBB')).toBe(false);
    expect(await verifyPassword('whatever pw', 'scrypt$1099511627776$8$1$AAAA$BBBB')).toBe(false);
  });

  it('enforces length limits and flags old parameters for rehash', async () => {
    expect(checkPasswordPolicy('short')).toMatch(/at least 10/);
    expect(checkPasswordPolicy('x'.repeat(300))).toMatch(/at most 256/);
    expect(checkPasswordPolicy('long enough pw')).toBeNull();
    await expect(hashPassword('short')).rejects.toThrow(/at least 10/);
    expect(needsRehash('scrypt$16384$8$1$AAAA$BBBB')).toBe(true);
    expect(needsRehash(await hashPassword('current params'))).toBe(false);
  });
});
