import { describe, expect, it } from 'vitest';
import { isAdminRole, isStaffRole, needsSecondFactor, type CurrentRole } from './current-role';

const person = (role: 'customer' | 'engineer' | 'admin', aal: 'aal1' | 'aal2'): CurrentRole => ({
  userId: '00000000-0000-4000-8000-000000000001',
  email: 'someone@example.test',
  role,
  aal,
});

describe('staff and the second factor', () => {
  it('treats engineers and admins as staff only at aal2, as the database does', () => {
    expect(isStaffRole(person('engineer', 'aal2'))).toBe(true);
    expect(isStaffRole(person('engineer', 'aal1'))).toBe(false);
    expect(isAdminRole(person('admin', 'aal2'))).toBe(true);
    expect(isAdminRole(person('admin', 'aal1'))).toBe(false);
    expect(isStaffRole(person('customer', 'aal2'))).toBe(false);
  });

  it('sends staff at aal1, and only them, to the second-factor step', () => {
    expect(needsSecondFactor(person('engineer', 'aal1'))).toBe(true);
    expect(needsSecondFactor(person('admin', 'aal1'))).toBe(true);
    expect(needsSecondFactor(person('engineer', 'aal2'))).toBe(false);
    expect(needsSecondFactor(person('customer', 'aal1'))).toBe(false);
    expect(needsSecondFactor(null)).toBe(false);
  });
});
