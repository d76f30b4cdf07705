import { compileDatabasePermission, guardDatabase, PagePermissions, PermissionConfigError, type ClientDatabaseRequest } from '../src/permissions';

const ME = 'oUserX';
const OTHER = 'oUserY';

function read(setting: unknown, query: Record<string, unknown>, caller: string | null = ME) {
  const openid = caller ?? undefined;
  const request: ClientDatabaseRequest = { collection: 'notes', operation: 'read', openid, query, batch: false, now: 1_700_000_000_000 };
  return guardDatabase(compileDatabasePermission(setting, 'env/notes'), request);
}

describe('security rules: parsing (jsep) with the position of the error', () => {
  it.each([
    ['doc._openid == = auth.openid', 16, /Expected expression/],
    ['doc.a + 1 == 2', 7, /Unexpected "\+"|Expected/],
    ['doc.a === 1', 9, /Expected expression|Unexpected/],
    ['doc.a == 1 ? true : false', 12, /\?:/],
    ['docs._openid == auth.openid', 1, /unknown name docs/],
    ['doc.a == 1 && eval("x")', 15, /only get\(\) can be called/],
    ["doc.name == 'unterminated", 26, /Unclosed quote/],
  ])('refuses %j at character %i', (rule, character, reason) => {
    let caught: unknown;
    try {
      compileDatabasePermission({ read: rule }, 'env/notes');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PermissionConfigError);
    const error = caught as PermissionConfigError;
    expect(error.where).toBe('env/notes.read');
    expect(error.index).toBe(character - 1);
    expect(error.message).toContain(`at character ${character}`);
    expect(error.reason).toMatch(reason);
  });

  it('refuses a rule longer than 1024 characters, an unknown key and a non-string rule', () => {
    expect(() => compileDatabasePermission({ read: `doc.a == '${'x'.repeat(1020)}'` }, 'e/c')).toThrow(/longer than 1024/);
    expect(() => compileDatabasePermission({ reed: true }, 'e/c')).toThrow(/e\/c\.reed: is not a rule key/);
    expect(() => compileDatabasePermission({ read: 1 }, 'e/c')).toThrow(/must be true, false or an expression/);
    expect(() => compileDatabasePermission('PUBLIC', 'e/c')).toThrow(/is not a permission mode/);
  });
});

describe('security rules: a query must be a subset of the rule, or it is refused whole', () => {
  const own = { read: 'doc._openid == auth.openid', write: 'doc._openid == auth.openid' };

  it('allows a query that pins _openid to the caller, refuses one that does not or pins another user', () => {
    expect(read(own, { _openid: ME })).toEqual({ allowed: true });
    expect(read(own, { _openid: ME, category: 'mobile' })).toEqual({ allowed: true });
    expect(read(own, {})).toMatchObject({ allowed: false, reason: expect.stringContaining('not a subset') });
    expect(read(own, { category: 'mobile' })).toMatchObject({ allowed: false });
    expect(read(own, { _openid: OTHER })).toMatchObject({ allowed: false, reason: expect.stringContaining('does not hold') });
    expect(read(own, { _openid: { $in: [ME, OTHER] } })).toMatchObject({ allowed: false });
    expect(read(own, { _openid: { $in: [ME] } })).toEqual({ allowed: true });
    expect(read(own, { $and: [{ _openid: ME }, { age: { $gt: 1 } }] })).toEqual({ allowed: true });
    // An OR branch does not hold for every matched record.
    expect(read(own, { $or: [{ _openid: ME }, { public: true }] })).toMatchObject({ allowed: false });
    expect(read(own, { _openid: ME }, null)).toMatchObject({ allowed: false });
  });

  it('reasons over ||, &&, !, in, ranges and constants', () => {
    const published = { read: 'doc.published == true || doc.author == auth.openid' };
    expect(read(published, { published: true })).toEqual({ allowed: true });
    expect(read(published, { author: ME })).toEqual({ allowed: true });
    expect(read(published, { author: OTHER })).toMatchObject({ allowed: false });
    expect(read({ read: 'doc.age >= 18 && doc.age < 65' }, { age: { $gte: 20, $lt: 60 } })).toEqual({ allowed: true });
    expect(read({ read: 'doc.age >= 18' }, { age: { $gte: 10 } })).toMatchObject({ allowed: false });
    expect(read({ read: 'doc.age > 18' }, { age: { $gte: 18 } })).toMatchObject({ allowed: false });
    expect(read({ read: 'doc.age > 18' }, { age: 19 })).toEqual({ allowed: true });
    expect(read({ read: "doc.tag in ['a', 'b']" }, { tag: { $in: ['a', 'b'] } })).toEqual({ allowed: true });
    expect(read({ read: "doc.tag in ['a', 'b']" }, { tag: { $in: ['a', 'c'] } })).toMatchObject({ allowed: false });
    expect(read({ read: "!(doc.tag in ['x'])" }, { tag: 'a' })).toEqual({ allowed: true });
    expect(read({ read: "doc.status != 'deleted'" }, { status: { $ne: 'deleted' } })).toEqual({ allowed: true });
    expect(read({ read: 'auth.openid in ["oUserX"]' }, {})).toEqual({ allowed: true });
    expect(read({ read: 'auth != null' }, {}, null)).toMatchObject({ allowed: false });
    expect(read({ read: true }, {})).toEqual({ allowed: true });
    expect(read({ write: true }, {})).toMatchObject({ allowed: false, reason: expect.stringContaining('rule false') });
    expect(read({ read: "get('database.x.y').a == 1" }, {})).toMatchObject({ allowed: false, reason: expect.stringContaining('get()') });
  });

  it('checks a create against the new record; update and delete fall back to write', () => {
    const permission = compileDatabasePermission({ read: true, write: 'doc._openid == auth.openid', create: 'doc.kind == "note"' }, 'e/c');
    const base = { collection: 'c', openid: ME, batch: false, now: 0 } as const;
    expect(guardDatabase(permission, { ...base, operation: 'create', record: { kind: 'note', _openid: ME } })).toEqual({ allowed: true });
    expect(guardDatabase(permission, { ...base, operation: 'create', record: { kind: 'spam', _openid: ME } })).toMatchObject({ allowed: false });
    expect(guardDatabase(permission, { ...base, operation: 'update', query: { _id: 'n1' } })).toMatchObject({ allowed: false });
    expect(guardDatabase(permission, { ...base, operation: 'update', query: { _id: 'n1', _openid: ME } })).toEqual({ allowed: true });
    expect(guardDatabase(permission, { ...base, operation: 'delete', batch: true, query: { _openid: ME } })).toEqual({ allowed: true });
  });
});

describe('simple modes', () => {
  const base = { collection: 'c', openid: ME, now: 0 } as const;
  it('PRIVATE scopes reads and writes to the caller; READONLY scopes writes; ADMINWRITE and ADMINONLY refuse', () => {
    const p = (mode: string) => compileDatabasePermission(mode, 'e/c');
    expect(guardDatabase(p('PRIVATE'), { ...base, operation: 'read', query: {}, batch: false })).toEqual({ allowed: true, scope: { _openid: ME } });
    expect(guardDatabase(p('READONLY'), { ...base, operation: 'read', query: {}, batch: false })).toEqual({ allowed: true });
    expect(guardDatabase(p('READONLY'), { ...base, operation: 'update', query: { _id: 'x' }, batch: false })).toEqual({
      allowed: true,
      scope: { _openid: ME },
    });
    expect(guardDatabase(p('READONLY'), { ...base, operation: 'update', query: {}, batch: true })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('only under security rules'),
    });
    expect(guardDatabase(p('ADMINWRITE'), { ...base, operation: 'read', query: {}, batch: false })).toEqual({ allowed: true });
    expect(guardDatabase(p('ADMINWRITE'), { ...base, operation: 'create', record: {}, batch: false })).toMatchObject({ allowed: false });
    expect(guardDatabase(p('ADMINONLY'), { ...base, operation: 'read', query: {}, batch: false })).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('ADMINONLY'),
    });
  });
});

describe('PagePermissions', () => {
  const required = [{ app: 'B', envId: 'b-env', collection: 'token', mode: 'ADMINONLY' as const, holds: "A's access token", usedBy: ['api'] }];

  it('defaults: a collection not configured is PRIVATE, storage READONLY; strict mode refuses a required collection set otherwise', () => {
    const permissions = new PagePermissions({ envIds: ['b-env'], required });
    expect(permissions.collection('b-env', 'anything')).toEqual({ kind: 'simple', mode: 'PRIVATE' });
    expect(permissions.storage('b-env')).toEqual({ kind: 'simple', mode: 'READONLY' });
    expect(permissions.mismatches()).toEqual([{ required: required[0], actual: 'PRIVATE' }]);
    expect(() => new PagePermissions({ envIds: ['b-env'], required, strict: true })).toThrow(
      /B \(b-env\)\/token: must be ADMINONLY .* but is set to "PRIVATE"/,
    );

    const strict = new PagePermissions({ envIds: ['b-env'], required, strict: true, settings: { 'b-env': { database: { token: 'ADMINONLY' } } } });
    expect(() => strict.setCollection('b-env', 'token', 'READONLY')).toThrow(PermissionConfigError);
    expect(strict.collection('b-env', 'token')).toEqual({ kind: 'simple', mode: 'ADMINONLY' });
    strict.setCollection('b-env', 'token', { read: false, write: false });
    expect(strict.mismatches()).toEqual([]);
    expect(strict.describe('b-env').required).toEqual([expect.objectContaining({ collection: 'token', ok: true })]);
  });
});
