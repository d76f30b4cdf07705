import booleanIntersects from '@turf/boolean-intersects';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import booleanWithin from '@turf/boolean-within';
import distance from '@turf/distance';
import type { Geometry, Point, Polygon, MultiPolygon } from 'geojson';
import pointToLineDistance from '@turf/point-to-line-distance';
import pointToPolygonDistance from '@turf/point-to-polygon-distance';
import { resolve } from 'mingo/util';
import { requestFailed } from './backend-error';
import { missingGeoIndex } from './collection-indexes';
import { isPlainObject, type PlainObject } from './documents';

/**
 * WeChat's geo queries (db.Geo.*, stored as GeoJSON; Command.geoNear / geoWithin / geoIntersects,
 * Aggregate.geoNear) as MongoDB answers them on a 2dsphere index. The predicates and distances are
 * turf's (@turf/*); only the unit is MongoDB's: its spherical distances are radians on a sphere of
 * radius 6378.1 km (MongoDB manual: "Calculate Distance Using Spherical Geometry"), while turf's
 * metres use 6371.0088 km, so turf's radians are scaled by MongoDB's radius.
 */
export const MONGODB_EARTH_RADIUS_M = 6_378_100;

const GEOMETRY_TYPES: ReadonlySet<string> = new Set(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon']);

export function isGeometry(value: unknown): value is Geometry {
  return isPlainObject(value) && typeof value.type === 'string' && GEOMETRY_TYPES.has(value.type) && Array.isArray(value.coordinates);
}

function geometryOf(value: unknown, what: string): Geometry {
  if (!isGeometry(value))
    throw requestFailed(`${what} must be a GeoJSON geometry (db.Geo.Point, LineString, Polygon, MultiPoint, MultiLineString or MultiPolygon)`);
  return value;
}

function pointOf(value: unknown, what: string): Point {
  const geometry = geometryOf(value, what);
  if (geometry.type !== 'Point') throw requestFailed(`${what} must be a db.Geo.Point`);
  return geometry;
}

/** Metres from `point` to the nearest point of `geometry` (MongoDB's sphere). */
export function metresTo(point: Point, geometry: Geometry): number {
  const radians = (() => {
    switch (geometry.type) {
      case 'Point':
        return distance(point, geometry, { units: 'radians' });
      case 'MultiPoint':
        return Math.min(...geometry.coordinates.map((c) => distance(point.coordinates, c, { units: 'radians' })));
      case 'LineString':
        return pointToLineDistance(point, geometry, { units: 'radians', method: 'geodesic' });
      case 'MultiLineString':
        return Math.min(
          ...geometry.coordinates.map((line) =>
            pointToLineDistance(point, { type: 'LineString', coordinates: line }, { units: 'radians', method: 'geodesic' }),
          ),
        );
      case 'Polygon':
      case 'MultiPolygon':
        return Math.max(0, pointToPolygonDistance(point, geometry, { units: 'radians', method: 'geodesic' }));
      default:
        throw requestFailed(`geometry ${geometry.type} has no distance`);
    }
  })();
  return radians * MONGODB_EARTH_RADIUS_M;
}

/** `$nearSphere` / `$near` with `$geometry` (what Command.geoNear sends): the point and the distance bounds in metres. */
export interface NearSpec {
  readonly field: string;
  readonly point: Point;
  readonly min: number;
  readonly max: number;
}

function nearSpec(field: string, value: unknown): NearSpec {
  if (!isPlainObject(value)) throw requestFailed('geoNear needs {geometry, maxDistance?, minDistance?}');
  const bound = (key: string, fallback: number): number => {
    const given = value[key];
    if (given === undefined || given === null) return fallback;
    if (typeof given !== 'number' || !(given >= 0)) throw requestFailed(`geoNear ${key.slice(1)} must be a non-negative number of metres`);
    return given;
  };
  return { field, point: pointOf(value.$geometry, 'geoNear geometry'), min: bound('$minDistance', 0), max: bound('$maxDistance', Infinity) };
}

/** The geo values at a path (a path through arrays reaches several). */
function geometriesAt(obj: unknown, field: string): Geometry[] {
  const found = resolve(obj as PlainObject, field);
  const values = Array.isArray(found) ? found.flat(Infinity) : [found];
  return values.filter(isGeometry);
}

type QueryFn = (selector: string, value: unknown, options: unknown) => (obj: unknown) => boolean;

/** The nearest distance from the spec's point to a document's geometry at the field, or undefined. */
export function nearestMetres(obj: unknown, spec: Pick<NearSpec, 'field' | 'point'>): number | undefined {
  const metres = geometriesAt(obj, spec.field).map((geometry) => metresTo(spec.point, geometry));
  return metres.length > 0 ? Math.min(...metres) : undefined;
}

const near: QueryFn = (selector, value) => {
  const spec = nearSpec(selector, value);
  return (obj) => {
    const metres = nearestMetres(obj, spec);
    return metres !== undefined && metres >= spec.min && metres <= spec.max;
  };
};

function within(geometry: Geometry, area: Polygon | MultiPolygon): boolean {
  if (geometry.type === 'Point') return booleanPointInPolygon(geometry, area);
  if (geometry.type === 'MultiPoint') return geometry.coordinates.every((c) => booleanPointInPolygon(c, area));
  return booleanWithin(geometry, area);
}

/** MongoDB manual: $geoWithin — `$geometry` (Polygon / MultiPolygon) or `$centerSphere: [[lng, lat], radians]`. */
const geoWithin: QueryFn = (selector, value) => {
  if (!isPlainObject(value)) throw requestFailed('geoWithin needs {geometry} or {centerSphere}');
  if (value.$centerSphere !== undefined) {
    const sphere = value.$centerSphere;
    if (!Array.isArray(sphere) || sphere.length !== 2 || typeof sphere[1] !== 'number' || !(sphere[1] >= 0)) {
      throw requestFailed('geoWithin centerSphere must be [center, radius in radians]');
    }
    const center: Point = Array.isArray(sphere[0]) ? { type: 'Point', coordinates: sphere[0] as number[] } : pointOf(sphere[0], 'centerSphere center');
    const radiusMetres = sphere[1] * MONGODB_EARTH_RADIUS_M;
    // Within the circle: every point of the geometry no further than the radius (points and multipoints).
    return (obj) => {
      const geometries = geometriesAt(obj, selector);
      return geometries.length > 0 && geometries.some((g) => pointsOf(g).every((c) => metresTo(center, { type: 'Point', coordinates: c }) <= radiusMetres));
    };
  }
  const area = geometryOf(value.$geometry, 'geoWithin geometry');
  if (area.type !== 'Polygon' && area.type !== 'MultiPolygon') throw requestFailed('geoWithin geometry must be a Polygon or MultiPolygon');
  return (obj) => geometriesAt(obj, selector).some((g) => within(g, area));
};

/** MongoDB manual: $geoIntersects — the field's geometry and the given one share a point. */
const geoIntersects: QueryFn = (selector, value) => {
  if (!isPlainObject(value)) throw requestFailed('geoIntersects needs {geometry}');
  const shape = geometryOf(value.$geometry, 'geoIntersects geometry');
  return (obj) => geometriesAt(obj, selector).some((g) => booleanIntersects(g, shape));
};

function pointsOf(geometry: Geometry): number[][] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
    default:
      return [];
  }
}

export const GEO_QUERY_OPERATORS = { $nearSphere: near, $near: near, $geoWithin: geoWithin, $geoIntersects: geoIntersects };

/** The `$nearSphere` / `$near` of a filter's top level, which orders the results by distance. */
export function nearOf(filter: PlainObject): NearSpec | undefined {
  for (const [field, condition] of Object.entries(filter)) {
    if (field.startsWith('$') || !isPlainObject(condition)) continue;
    const value = condition.$nearSphere ?? condition.$near;
    if (value !== undefined) return nearSpec(field, value);
  }
  return undefined;
}

/**
 * Aggregate.geoNear (MongoDB manual: $geoNear): `{near, spherical, distanceField, maxDistance?,
 * minDistance?, query?, includeLocs?, key?, distanceMultiplier?}`, the first stage. It runs on a
 * 2dsphere index, as MongoDB's does: `key` must name an indexed field; without it the collection's
 * single geo index is used, and with none or several the stage is refused.
 */
export interface GeoNearStage {
  readonly spec: NearSpec;
  readonly distanceField: string;
  readonly includeLocs?: string;
  readonly query?: PlainObject;
  readonly multiplier: number;
}

/** The collection and its fields with a 2dsphere index (collection-indexes.ts). */
export interface GeoIndexed {
  readonly collection: string;
  readonly fields: readonly string[];
}

export function readGeoNearStage(value: unknown, indexed: GeoIndexed): GeoNearStage {
  if (!isPlainObject(value)) throw requestFailed('geoNear needs an object');
  const { near: nearValue, distanceField, maxDistance, minDistance, query, includeLocs, key, distanceMultiplier } = value;
  if (typeof distanceField !== 'string' || distanceField === '') throw requestFailed('geoNear distanceField must be a field name');
  if (query !== undefined && !isPlainObject(query)) throw requestFailed('geoNear query must be an object');
  if (includeLocs !== undefined && typeof includeLocs !== 'string') throw requestFailed('geoNear includeLocs must be a field name');
  if (distanceMultiplier !== undefined && typeof distanceMultiplier !== 'number') throw requestFailed('geoNear distanceMultiplier must be a number');
  if (key !== undefined && (typeof key !== 'string' || key === '')) throw requestFailed('geoNear key must be a field name');
  const field = geoField(key, indexed);
  const spec = nearSpec(field, {
    $geometry: nearValue,
    ...(maxDistance !== undefined ? { $maxDistance: maxDistance } : {}),
    ...(minDistance !== undefined ? { $minDistance: minDistance } : {}),
  });
  return {
    spec,
    distanceField,
    ...(includeLocs !== undefined ? { includeLocs } : {}),
    ...(query !== undefined ? { query } : {}),
    multiplier: distanceMultiplier ?? 1,
  };
}

function geoField(key: string | undefined, indexed: GeoIndexed): string {
  if (key !== undefined) {
    if (!indexed.fields.includes(key)) throw missingGeoIndex(indexed.collection, key);
    return key;
  }
  const [only, ...others] = indexed.fields;
  if (only === undefined) throw missingGeoIndex(indexed.collection, undefined);
  if (others.length > 0)
    throw requestFailed(`geoNear: collection "${indexed.collection}" has several geo indexes (${indexed.fields.join(', ')}); name one as key`);
  return only;
}
