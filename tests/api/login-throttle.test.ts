import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../api/auth/login-throttle.js';

function throttle() {
  let t = 1_000_000;
  const th = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, lockoutMs: 10_000, maxLockoutMs: 25_000, now: () => t });
  return { th, advance: (ms: number) => (t += ms) };
}

describe('login throttle', () => {
  it('locks a username after maxFailures within the window, then lets it try again', () => {
    const { th, advance } = throttle();
    const keys = ['user:ops', 'ip:10.0.0.1'];
    th.recordFailure(keys);
    th.recordFailure(keys);
    expect(th.retryAfterMs(keys)).toBe(0);
    th.recordFailure(keys);
    expect(th.retryAfterMs(['user:ops'])).toBe(10_000);
    expect(th.retryAfterMs(['ip:10.0.0.1'])).toBe(10_000);
    advance(10_001);
    expect(th.retryAfterMs(keys)).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { th, advance } = throttle();
    th.recordFailure(['u']);
    th.recordFailure(['u']);
    advance(60_001);
    th.recordFailure(['u']);
    expect(th.retryAfterMs(['u'])).toBe(0);
  });

  it('doubles repeated lockouts up to the maximum', () => {
    const { th, advance } = throttle();
    const lockOnce = () => [1, 2, 3].forEach(() => th.recordFailure(['u']));
    lockOnce();
    expect(th.retryAfterMs(['u'])).toBe(10_000);
    advance(10_001);
    lockOnce();
    expect(th.retryAfterMs(['u'])).toBe(20_000);
    advance(20_001);
    lockOnce();
    expect(th.retryAfterMs(['u'])).toBe(25_000);
  });

  it('clears a username on success but keeps other keys', () => {
    const { th } = throttle();
    th.recordFailure(['u', 'ip']);
    th.recordFailure(['u', 'ip']);
    th.recordSuccess('u');
    th.recordFailure(['u', 'ip']);
    expect(th.retryAfterMs(['u'])).toBe(0);
    expect(th.retryAfterMs(['ip'])).toBe(10_000);
  });
});
