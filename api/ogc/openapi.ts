import { LAYERS, type LayerId } from '../../geo/layers.js';

/** The conformance classes /ogc declares (what FEATURES.md lists as supported). */
export const OGC_CONFORMANCE = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
  'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
  'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
  'http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions',
];

/** OpenAPI 3.0 definition of /ogc, one items path per collection the caller may read. */
export function buildOgcOpenApi(origin: string, collections: readonly LayerId[]) {
  const param = (name: string, description: string, schema: Record<string, unknown>) => ({ name, in: 'query', required: false, description, schema, style: 'form', explode: false });
  const error = { description: 'An error', content: { 'application/json': { schema: { type: 'object' } } } };
  const paths: Record<string, unknown> = {
    '/': { get: { operationId: 'getLandingPage', summary: 'Landing page', responses: { '200': { description: 'Links to the API definition, conformance and collections' } } } },
    '/conformance': { get: { operationId: 'getConformance', summary: 'Conformance classes', responses: { '200': { description: 'conformsTo' } } } },
    '/collections': { get: { operationId: 'getCollections', summary: 'Collections of the caller\'s region', responses: { '200': { description: 'Collections' } } } },
  };
  for (const id of collections) {
    const layer = LAYERS[id];
    paths[`/collections/${id}`] = { get: { operationId: `describe_${id}`, summary: layer.title.en, responses: { '200': { description: 'The collection' }, '404': error } } };
    paths[`/collections/${id}/items`] = {
      get: {
        operationId: `getFeatures_${id}`,
        summary: `${layer.title.en} (${layer.title.zh})`,
        parameters: [
          param('bbox', 'minx,miny,maxx,maxy (or 6 numbers with z) in CRS84; minx > maxx crosses the antimeridian', { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } }),
          param('datetime', layer.timeColumn ? `An instant or interval (a/b, ../b, a/..) on ${layer.timeColumn}` : 'Not applicable: this collection has no time property (400)', { type: 'string' }),
          param('limit', `Page size; default 10, maximum ${layer.maxLimit} (larger values give the maximum)`, { type: 'integer', minimum: 1, maximum: layer.maxLimit, default: 10 }),
          param('offset', 'Features to skip (the next/prev links carry it)', { type: 'integer', minimum: 0, default: 0 }),
          param('properties', `Subset of: ${layer.properties.join(', ')}`, { type: 'array', items: { type: 'string', enum: [...layer.properties] } }),
          param('sortby', 'Comma list of [+|-]property', { type: 'array', items: { type: 'string' } }),
          param('filter', 'CQL2 text (basic CQL2 + S_INTERSECTS with BBOX or WKT) over the queryables; at most 4096 characters, depth 20, 500 nodes, 10,000 coordinates', { type: 'string' }),
          param('filter-lang', 'cql2-text (the only one)', { type: 'string', enum: ['cql2-text'] }),
          param('filter-crs', 'CRS84 (the only one)', { type: 'string', enum: ['http://www.opengis.net/def/crs/OGC/1.3/CRS84'] }),
        ],
        responses: { '200': { description: 'A FeatureCollection', content: { 'application/geo+json': { schema: { type: 'object' } } } }, '400': error },
      },
    };
    paths[`/collections/${id}/items/{featureId}`] = {
      get: {
        operationId: `getFeature_${id}`,
        summary: `One ${layer.title.en} feature`,
        parameters: [{ name: 'featureId', in: 'path', required: true, schema: { type: layer.idColumn === 'id' ? 'integer' : 'string' } }],
        responses: { '200': { description: 'A Feature', content: { 'application/geo+json': { schema: { type: 'object' } } } }, '404': error },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Pingan Atlas — OGC API Features', version: '1.0.0', description: 'Within the caller\'s region. Sign in, or send Authorization: Bearer <token>.' },
    servers: [{ url: `${origin}/ogc` }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'atlas_session' } } },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
