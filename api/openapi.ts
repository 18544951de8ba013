import { ANALYTICS } from './analytics/catalogue.js';
import { LAYERS, LAYER_IDS } from '../geo/layers.js';
import { IMPORT_LAYER_IDS } from './imports/targets.js';
import { PERMISSIONS, type Permission } from '../geo/access.js';

/**
 * The OpenAPI 3.0 document of /api, built from the layer catalogue so a new layer appears here
 * without another edit.
 */
export function buildOpenApiDocument() {
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  /** An authenticated operation: who may call it, and the errors every such call can give. */
  const secured = (summary: string, operationId: string, permission: Permission | null, extra: Record<string, unknown> = {}) => ({
    summary: permission ? `${summary} (roles: ${PERMISSIONS[permission].join(', ')})` : summary,
    operationId,
    security: [{ session: [] }, { bearer: [] }],
    ...extra,
    responses: {
      '200': { description: 'OK' },
      '401': errorResponse('Not signed in, or the session/token has ended'),
      '403': errorResponse('The role may not do this, or the change leaves the caller\'s region'),
      '404': errorResponse('Not found in the caller\'s region'),
      ...((extra.responses as object | undefined) ?? {}),
    },
  });
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };
  const jobParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const layerParam = { name: 'layerId', in: 'path', required: true, schema: { type: 'string', enum: [...LAYER_IDS] } };
  const featureParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'The feature id; a region\'s 12- or 15-digit code' };
  const ifMatch = { name: 'If-Match', in: 'header', required: true, schema: { type: 'string', example: '"3"' } };
  const jsonBody = { requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } } };
  const maxLimit = Math.max(...LAYER_IDS.map((id) => LAYERS[id].maxLimit));
  return {
    openapi: '3.0.3',
    info: {
      title: 'Pingan Atlas API',
      version: '0.1.0',
      description: 'Grids, cameras, key places, incidents and patrols of a county (平安一张图).',
    },
    paths: {
      '/health': {
        get: {
          summary: 'Database kind and version, PostGIS version; public, so no figures',
          operationId: 'getHealth',
          responses: {
            '200': { description: 'Healthy', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
            '500': errorResponse('Database unavailable'),
          },
        },
      },
      '/api/auth/login': {
        post: {
          summary: 'Sign in with username and password: sets the HttpOnly session cookie, returns the CSRF token for changes',
          operationId: 'login',
          ...jsonBody,
          responses: {
            '200': { description: 'Signed in' },
            '401': errorResponse('Wrong username or password'),
            '429': errorResponse('Too many failed attempts: locked for a while (Retry-After)'),
          },
        },
      },
      '/api/auth/me': { get: secured('The caller: account, role, region, permissions, CSRF token', 'getMe', null) },
      '/api/auth/logout': { post: secured('Sign out (ends the session)', 'logout', null) },
      '/tiles/{layer}/{z}/{x}/{y}.mvt': {
        get: secured('A Mapbox Vector Tile of one layer in the caller\'s region (one MVT layer named after the layer)', 'getTile', 'layers.read', {
          parameters: ['layer', 'z', 'x', 'y'].map((name) => ({ name, in: 'path', required: true, schema: name === 'layer' ? { type: 'string', enum: [...LAYER_IDS] } : { type: 'integer', minimum: 0 } })),
        }),
      },
      '/tiles/{layer}.json': {
        get: secured('TileJSON 3.0 of one layer', 'getTileJson', 'layers.read', {
          parameters: [{ name: 'layer', in: 'path', required: true, schema: { type: 'string', enum: [...LAYER_IDS] } }],
        }),
      },
      '/api/summary': { get: secured('Figures of the caller\'s region', 'getSummary', 'aggregates.read') },
      '/api/analytics': { get: secured('The analytics the caller may run, with their parameters and formats', 'listAnalytics', 'aggregates.read') },
      ...Object.fromEntries(ANALYTICS.map((a) => [`/api/analytics/${a.id}`, {
        get: secured(`${a.title}. Window from/to (local dates, default the last ${a.spec.defaultDays} days), region, hours, incident filters; format=json${a.geojson ? '|geojson' : ''}${a.table ? '|csv (data.export)' : ''}`,
          `analytics_${a.id.replaceAll('-', '_')}`, a.permission, {
            parameters: ['region', 'from', 'to', 'hours', 'category', 'level', 'status', 'source', 'at', 'format', ...(a.spec.extra ?? [])]
              .map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
          }),
      }])),
      '/api/export/{file}': {
        get: secured('Export a layer of the caller\'s region with the /ogc items selection: <layer>.geojson or .csv (streamed), .gpkg or .shp.zip', 'exportLayer', 'data.export', {
          parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string', example: 'incidents.csv' } }],
        }),
      },
      '/api/incidents': { post: secured('Report an incident at a point; village and grid are found from it', 'createIncident', 'incidents.write', jsonBody) },
      '/api/incidents/{id}': {
        get: secured('An incident with its summary and flow steps', 'getIncident', 'incidents.read', { parameters: [idParam] }),
        patch: secured('Change an incident (rowVersion required; a stale one gives 409)', 'updateIncident', 'incidents.write', { parameters: [idParam], ...jsonBody }),
        delete: secured('Delete an incident (If-Match: its row version)', 'deleteIncident', 'incidents.delete', { parameters: [idParam, ifMatch] }),
      },
      '/api/imports': {
        post: secured('Import a file (the body) into a layer: dry run (a per-row report) or commit (all rows or none)', 'importFile', 'imports.run', {
          parameters: [
            { name: 'layer', in: 'query', required: true, schema: { type: 'string', enum: [...IMPORT_LAYER_IDS] } },
            { name: 'mode', in: 'query', schema: { type: 'string', enum: ['dry-run', 'commit'], default: 'dry-run' } },
            { name: 'filename', in: 'query', schema: { type: 'string' }, description: 'Or the X-File-Name header; the extension helps tell the format' },
            { name: 'crs', in: 'query', schema: { type: 'string', example: 'gcj02' }, description: 'EPSG:n, gcj02 or bd09 when the file does not say' },
            { name: 'key', in: 'query', schema: { type: 'string' }, description: 'The property that identifies a record across imports' },
            { name: 'map', in: 'query', schema: { type: 'string', example: 'households:户数' }, description: 'column:property pairs' },
            { name: 'skipRejected', in: 'query', schema: { type: 'boolean' } },
            { name: 'layerName', in: 'query', schema: { type: 'string' } },
            { name: 'lon', in: 'query', schema: { type: 'string' } },
            { name: 'lat', in: 'query', schema: { type: 'string' } },
            { name: 'encoding', in: 'query', schema: { type: 'string', enum: ['utf-8', 'gbk', 'gb18030', 'big5'] } },
            { name: 'wait', in: 'query', schema: { type: 'boolean' }, description: 'Answer with the finished job instead of 202' },
          ],
          requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        }),
        get: secured('Committed imports of the caller\'s region', 'listImports', 'imports.run'),
      },
      '/api/imports/jobs/{id}': { get: secured('An import job: state, progress, report (rows paged by offset/limit/action)', 'getImportJob', 'imports.run', { parameters: [jobParam] }) },
      '/api/imports/jobs/{id}/report.csv': { get: secured('The whole per-row report of an import job', 'getImportReport', 'imports.run', { parameters: [jobParam] }) },
      '/api/layers/{layerId}/features/{id}': {
        get: secured('One feature (ETag: its row version)', 'getFeature', 'layers.read', { parameters: [layerParam, featureParam] }),
        patch: secured('Change a feature (If-Match required; a stale one gives 409)', 'updateFeature', 'places.write', { parameters: [layerParam, featureParam, ifMatch], ...jsonBody }),
        delete: secured('Delete a feature (If-Match required)', 'deleteFeature', 'places.write', { parameters: [layerParam, featureParam, ifMatch] }),
      },
      '/api/incidents/{id}/flow': {
        post: secured('Move an incident through the three-level flow', 'advanceIncident', 'incidents.write', { parameters: [idParam], ...jsonBody }),
      },
      '/api/categories': { get: secured('Incident categories', 'listCategories', null) },
      '/api/categories/{code}': { put: secured('Create or change a category', 'putCategory', 'categories.manage', jsonBody) },
      '/api/users': {
        get: secured('Accounts of the caller\'s region', 'listUsers', 'users.manage'),
        post: secured('Create an account', 'createUser', 'users.manage', jsonBody),
      },
      '/api/users/{id}': {
        get: secured('One account', 'getUser', 'users.manage', { parameters: [idParam] }),
        patch: secured('Change, disable or reset the password of an account', 'updateUser', 'users.manage', { parameters: [idParam], ...jsonBody }),
      },
      '/api/tokens': {
        get: secured('API and display tokens of the caller\'s region (never their secrets)', 'listTokens', 'users.manage'),
        post: secured('Create a token; its secret is returned once', 'createToken', 'users.manage', jsonBody),
      },
      '/api/tokens/{id}': { delete: secured('Revoke a token at once', 'revokeToken', 'users.manage', { parameters: [idParam] }) },
      '/api/audit': { get: secured('The audit log of the caller\'s region, newest first', 'listAudit', 'audit.read') },
      '/api/regions/tree': {
        get: {
          summary: 'The region tree of the caller: their subtree and its ancestors',
          operationId: 'getRegionTree',
          security: [{ session: [] }, { bearer: [] }],
          responses: {
            '200': {
              description: 'The tree',
              content: { 'application/json': { schema: { type: 'object', properties: { root: { $ref: '#/components/schemas/RegionNode' } } } } },
            },
            '404': errorResponse('No regions loaded'),
          },
        },
      },
      '/api/layers': {
        get: { summary: 'The layer catalogue', operationId: 'listLayers', responses: { '200': { description: 'Layers' } } },
      },
      '/api/layers/{layerId}/features': {
        get: {
          summary: 'GeoJSON features of one layer inside a bounding box, in the caller\'s region',
          security: [{ session: [] }, { bearer: [] }],
          operationId: 'getLayerFeatures',
          parameters: [
            { name: 'layerId', in: 'path', required: true, schema: { type: 'string', enum: [...LAYER_IDS] } },
            {
              name: 'bbox', in: 'query', required: false,
              description: 'minx,miny,maxx,maxy in EPSG:4326 (longitude/latitude). Default: the whole world.',
              schema: { type: 'string', example: '120.1,29.5,120.5,29.9' },
            },
            {
              name: 'limit', in: 'query', required: false,
              description: `Maximum features returned. Default and maximum per layer: ${LAYER_IDS.map((id) => `${id} ${LAYERS[id].defaultLimit}/${LAYERS[id].maxLimit}`).join(', ')}.`,
              schema: { type: 'integer', minimum: 1, maximum: maxLimit },
            },
          ],
          responses: {
            '200': { description: 'A FeatureCollection ordered by id', content: { 'application/geo+json': { schema: { $ref: '#/components/schemas/FeatureCollection' } } } },
            '400': errorResponse('Bad bbox, limit or unknown parameter'),
            '404': errorResponse('Unknown layer'),
          },
        },
        post: secured('Create a feature (GeoJSON Feature; village and grid are found from the geometry)', 'createFeature', 'places.write', { parameters: [layerParam], ...jsonBody }),
      },
    },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'atlas_session', description: 'From POST /api/auth/login; changes also need the X-CSRF-Token header' },
        bearer: { type: 'http', scheme: 'bearer', description: 'An API or display token (npm run cli -- token create …)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'requestId'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } },
            },
          },
        },
        Health: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['ok'] },
            database: {
              type: 'object',
              properties: {
                kind: { type: 'string', enum: ['pglite', 'postgres'] }, version: { type: 'string' },
                postgis: { type: 'string' }, geos: { type: 'string' }, mvt: { type: 'boolean' },
                spatialIndexUnderRls: { type: 'boolean', description: 'Spatial filters use the GiST index under row-level security' },
              },
            },
            demo: { type: 'object', nullable: true, properties: { seed: { type: 'integer' }, scale: { type: 'number' } } },
          },
        },
        RegionNode: {
          type: 'object',
          properties: {
            code: { type: 'string' }, name: { type: 'string' },
            level: { type: 'string', enum: ['county', 'township', 'village', 'natural_village'] },
            kind: { type: 'string', nullable: true },
            bbox: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
            children: { type: 'array', items: { $ref: '#/components/schemas/RegionNode' } },
          },
        },
        FeatureCollection: {
          type: 'object',
          properties: {
            type: { type: 'string', enum: ['FeatureCollection'] },
            numberReturned: { type: 'integer' },
            limit: { type: 'integer' },
            features: { type: 'array', items: { type: 'object' } },
          },
        },
      },
    },
  };
}
