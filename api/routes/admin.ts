import { Hono } from 'hono';
import { z } from 'zod';
import {
  accountPatchSchema, createAccount, createToken, findAccount, listAccounts, listTokens, newAccountSchema, newTokenSchema,
  revokeToken, updateAccount,
} from '../accounts/accounts.js';
import type { AppEnv } from '../app.js';
import { requirePermission } from '../auth/middleware.js';
import { actorOf } from '../auth/principal.js';
import { ApiError } from '../errors.js';
import { parseId, rejectUnknownParameters } from '../query-params.js';
import { readBody, validationError } from './read-json.js';

/** Accounts and tokens of the admin's region (row-level security keeps other regions out). */
export const userRoutes = new Hono<AppEnv>()
  .use(requirePermission('users.manage'))
  .get('/', async (c) => c.json({ users: await listAccounts(c.var.tx) }))
  .get('/:id', async (c) => {
    const account = await findAccount(c.var.tx, parseId(c.req.param('id')));
    if (!account) throw new ApiError(404, 'NotFound', `No account ${c.req.param('id')}`);
    return c.json(account);
  })
  .post('/', async (c) => c.json(await createAccount(c.var.tx, await readBody(c, newAccountSchema)), 201))
  .patch('/:id', async (c) => {
    const id = parseId(c.req.param('id'));
    const patch = await readBody(c, accountPatchSchema);
    if (id === c.var.principal.staffId && (patch.active === false || (patch.role && patch.role !== 'admin'))) {
      throw new ApiError(409, 'Conflict', 'You cannot disable your own account or take your own admin role away');
    }
    return c.json(await updateAccount(c.var.tx, id, patch));
  });

export const tokenRoutes = new Hono<AppEnv>()
  .use(requirePermission('users.manage'))
  .get('/', async (c) => c.json({ tokens: await listTokens(c.var.tx) }))
  .post('/', async (c) => c.json(await createToken(c.var.tx, await readBody(c, newTokenSchema), actorOf(c.var.principal)), 201))
  .delete('/:id', async (c) => c.json(await revokeToken(c.var.tx, parseId(c.req.param('id')))));

const auditQuery = z.strictObject({
  table: z.string().regex(/^[a-z_]{1,64}$/).optional(),
  action: z.enum(['insert', 'update', 'delete']).optional(),
  actor: z.string().max(100).optional(),
  rowId: z.string().max(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The audit log of the admin's region, newest first; `before` pages back by id. */
export const auditRoutes = new Hono<AppEnv>()
  .use(requirePermission('audit.read'))
  .get('/', async (c) => {
    rejectUnknownParameters(c.req.url, Object.keys(auditQuery.shape));
    const parsed = auditQuery.safeParse(c.req.query());
    if (!parsed.success) throw validationError(parsed.error);
    const q = parsed.data;
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.table) add('table_name = ?', q.table);
    if (q.action) add('action = ?', q.action);
    if (q.actor) add('actor = ?', q.actor);
    if (q.rowId) add('row_id = ?', q.rowId);
    if (q.from) add('at >= ?::timestamptz', q.from);
    if (q.to) add('at < ?::timestamptz', q.to);
    if (q.before) add('id < ?', q.before);
    params.push(q.limit);
    const entries = await c.var.tx.query(
      `SELECT id, at, staff_id AS "staffId", actor, region_code AS "regionCode", action, table_name AS "table", row_id AS "rowId",
              before, after, request_id AS "requestId"
       FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return c.json({ entries, next: entries.length === q.limit ? (entries.at(-1) as { id: number }).id : null });
  });

const categorySchema = z.strictObject({
  parentCode: z.string().regex(/^[a-z0-9_.]{2,64}$/).nullish(),
  nameZh: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
  sortOrder: z.number().int().min(0).max(100000).default(0),
});

/** Incident categories: everybody reads them (report forms, legends), admins maintain them. */
export const categoryRoutes = new Hono<AppEnv>()
  .get('/', async (c) =>
    c.json({
      categories: await c.var.tx.query(
        `SELECT code, parent_code AS "parentCode", name_zh AS "nameZh", name_en AS "nameEn", sort_order AS "sortOrder"
         FROM incident_categories ORDER BY sort_order, code`,
      ),
    }),
  )
  .put('/:code', requirePermission('categories.manage'), async (c) => {
    const code = c.req.param('code');
    if (!/^[a-z0-9_.]{2,64}$/.test(code)) throw new ApiError(400, 'ValidationFailed', 'code: 2–64 of a–z, 0–9, _ and .');
    const body = await readBody(c, categorySchema);
    await c.var.tx.query(
      `INSERT INTO incident_categories (code, parent_code, name_zh, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, name_zh = EXCLUDED.name_zh,
         name_en = EXCLUDED.name_en, sort_order = EXCLUDED.sort_order`,
      [code, body.parentCode ?? null, body.nameZh, body.nameEn, body.sortOrder],
    );
    return c.json({ code, ...body });
  });
