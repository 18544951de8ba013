import { LAYERS, LAYER_IDS } from '../geo/layers.js';
import { COUNTED_TABLES } from './health/health.repository.js';

/**
 * The OpenAPI 3.0 document of /api, built from the layer catalogue so a new layer appears here
 * without another edit.
 */
export function buildOpenApiDocument() {
  const errorResponse = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
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
          summary: 'Database kind and version, PostGIS version, row counts',
          operationId: 'getHealth',
          responses: {
            '200': { description: 'Healthy', content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } } },
            '500': errorResponse('Database unavailable'),
          },
        },
      },
      '/api/regions/tree': {
        get: {
          summary: 'The region tree: county → township → village/community → natural village',
          operationId: 'getRegionTree',
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
          summary: 'GeoJSON features of one layer inside a bounding box',
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
      },
    },
    components: {
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
              },
            },
            counts: { type: 'object', properties: Object.fromEntries(COUNTED_TABLES.map((t) => [t, { type: 'integer' }])) },
            demo: { type: 'object', nullable: true },
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
