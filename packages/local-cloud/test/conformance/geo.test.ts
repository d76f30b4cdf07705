import { CloudBackendCode, CloudErrcode } from '@wxhub/core';
import { COLLECTION, failure, sdkCall, useConformanceCloud, type Doc } from './support/conformance-cloud';

// Geo through the real wx-server-sdk. Pages: 云开发 / SDK 文档 / 数据库 / Geo (Point, LineString,
// Polygon, MultiPoint, MultiLineString, MultiPolygon), Command.geoNear / geoWithin / geoIntersects,
// Aggregate.geoNear; semantics as MongoDB's manual documents them for a 2dsphere index
// ($nearSphere, $geoWithin, $geoIntersects, $geoNear). Distances are checked against published
// great-circle distances between city centres (within 1 %: the centres' coordinates are rounded).

const t = useConformanceCloud();
// 云开发 / 数据库 / 地理位置: "要使用地理位置查询功能时，必须建立地理位置索引" — the field the tests
// query is declared as a geo index (2dsphere), as the console's 索引管理 would have it.
beforeAll(() => t.admin.indexes.declare({ [COLLECTION]: { location: '2dsphere' } }));

interface GeoApi {
  Point(longitude: number, latitude: number): object;
  LineString(points: object[]): object;
  Polygon(lines: object[]): object;
  MultiPoint(points: object[]): object;
  MultiLineString(lines: object[]): object;
  MultiPolygon(polygons: object[]): object;
}
interface GeoCommands {
  geoNear(options: { geometry: object; maxDistance?: number; minDistance?: number }): object;
  geoWithin(options: { geometry?: object; centerSphere?: [object, number] }): object;
  geoIntersects(options: { geometry: object }): object;
}
const geo = (): GeoApi => (t.db as unknown as { Geo: GeoApi }).Geo;
const _ = (): GeoCommands => t.db.command as unknown as GeoCommands;

const CITY = {
  beijing: [116.3975, 39.9087],
  shanghai: [121.4737, 31.2304],
  guangzhou: [113.2644, 23.1291],
  shenzhen: [114.0579, 22.5431],
} as const;
/** MongoDB's earth radius for spherical geometry (manual: "Calculate Distance Using Spherical Geometry"). */
const EARTH_RADIUS_KM = 6378.1;

const point = (name: keyof typeof CITY): object => geo().Point(CITY[name][0], CITY[name][1]);
/** A closed ring around [lng, lat] ± half a side, as a Polygon. */
const box = (lng: number, lat: number, half: number): object =>
  geo().Polygon([
    geo().LineString([
      geo().Point(lng - half, lat - half),
      geo().Point(lng + half, lat - half),
      geo().Point(lng + half, lat + half),
      geo().Point(lng - half, lat + half),
      geo().Point(lng - half, lat - half),
    ]),
  ]);

async function addCities(): Promise<void> {
  for (const name of Object.keys(CITY) as Array<keyof typeof CITY>) {
    await sdkCall(t.items.add({ data: { _id: name, location: point(name) } }));
  }
}

const ids = (docs: readonly Doc[]): unknown[] => docs.map((doc) => doc._id);

describe('geo values', () => {
  // Geo.Point … Geo.MultiPolygon: stored as GeoJSON (the SDK's own toJSON)
  test('every db.Geo type is stored as its GeoJSON', async () => {
    const g = geo();
    const line = g.LineString([g.Point(0, 0), g.Point(1, 1)]);
    const square = box(10, 10, 1);
    await sdkCall(
      t.items.add({
        data: {
          _id: 'shapes',
          point: g.Point(116.4, 39.9),
          line,
          square,
          points: g.MultiPoint([g.Point(1, 2), g.Point(3, 4)]),
          lines: g.MultiLineString([line, g.LineString([g.Point(2, 2), g.Point(3, 3)])]),
          squares: g.MultiPolygon([square, box(20, 20, 1)]),
        },
      }),
    );
    const stored = t.stored('shapes') as Record<string, { type: string; coordinates: unknown }>;
    expect(stored.point).toEqual({ type: 'Point', coordinates: [116.4, 39.9] });
    expect(stored.line).toEqual({
      type: 'LineString',
      coordinates: [
        [0, 0],
        [1, 1],
      ],
    });
    expect(stored.square?.type).toBe('Polygon');
    expect(stored.points).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(stored.lines?.type).toBe('MultiLineString');
    expect(stored.squares?.type).toBe('MultiPolygon');
  });
});

describe('geoNear (MongoDB manual: $nearSphere)', () => {
  test('documents within maxDistance, nearest first', async () => {
    await addCities();
    const { data } = await sdkCall(t.items.where({ location: _().geoNear({ geometry: point('shenzhen'), maxDistance: 1_500_000 }) }).get());
    // Shenzhen 0, Guangzhou ~104 km, Shanghai ~1,215 km; Beijing (~1,940 km) is beyond 1,500 km.
    expect(ids(data)).toEqual(['shenzhen', 'guangzhou', 'shanghai']);
  });

  test('minDistance leaves out what is closer', async () => {
    await addCities();
    const { data } = await sdkCall(t.items.where({ location: _().geoNear({ geometry: point('beijing'), minDistance: 1_100_000 }) }).get());
    // Beijing–Shanghai ~1,068 km is closer than 1,100 km; Guangzhou ~1,890 km, Shenzhen ~1,940 km.
    expect(ids(data)).toEqual(['guangzhou', 'shenzhen']);
  });
});

describe('geoWithin (MongoDB manual: $geoWithin)', () => {
  test('geometry: the points inside a polygon', async () => {
    await addCities();
    // A 3° box around the Pearl River Delta.
    const { data } = await sdkCall(t.items.where({ location: _().geoWithin({ geometry: box(113.5, 23, 1.5) }) }).get());
    expect(ids(data).sort()).toEqual(['guangzhou', 'shenzhen']);
  });

  test('centerSphere: the points within a radius given in radians', async () => {
    await addCities();
    const radius = 150 / EARTH_RADIUS_KM;
    const { data } = await sdkCall(t.items.where({ location: _().geoWithin({ centerSphere: [point('guangzhou'), radius] }) }).get());
    expect(ids(data).sort()).toEqual(['guangzhou', 'shenzhen']);
    const tight = await sdkCall(t.items.where({ location: _().geoWithin({ centerSphere: [point('guangzhou'), 50 / EARTH_RADIUS_KM] }) }).get());
    expect(ids(tight.data)).toEqual(['guangzhou']);
  });
});

describe('geoIntersects (MongoDB manual: $geoIntersects)', () => {
  test('a route intersects the areas it passes through, not others', async () => {
    const g = geo();
    await sdkCall(t.items.add({ data: { _id: 'jinghu', route: g.LineString([point('beijing'), point('shanghai')]) } }));
    await sdkCall(t.items.add({ data: { _id: 'guangshen', route: g.LineString([point('guangzhou'), point('shenzhen')]) } }));
    const nearShanghai = await sdkCall(t.items.where({ route: _().geoIntersects({ geometry: box(121.4737, 31.2304, 0.5) }) }).get());
    expect(ids(nearShanghai.data)).toEqual(['jinghu']);
    const pearlRiver = await sdkCall(t.items.where({ route: _().geoIntersects({ geometry: box(113.7, 22.8, 0.6) }) }).get());
    expect(ids(pearlRiver.data)).toEqual(['guangshen']);
  });
});

describe('Aggregate.geoNear (MongoDB manual: $geoNear)', () => {
  interface GeoNearChain {
    geoNear(options: object): GeoNearChain;
    project(spec: object): GeoNearChain;
    end(): Promise<{ list: Doc[] }>;
  }

  test('distances from Beijing match the published great-circle distances, nearest first', async () => {
    await addCities();
    const { list } = await sdkCall(
      (t.items.aggregate() as unknown as GeoNearChain)
        .geoNear({ near: point('beijing'), spherical: true, distanceField: 'metres', query: { _id: t.db.command.neq('beijing') } })
        .project({ metres: 1 })
        .end(),
    );
    expect(ids(list)).toEqual(['shanghai', 'guangzhou', 'shenzhen']);
    const km = Object.fromEntries(list.map((doc) => [doc._id, (doc.metres as number) / 1000]));
    // Published great-circle distances: Beijing–Shanghai 1,068 km, Beijing–Guangzhou 1,889 km, Beijing–Shenzhen 1,943 km.
    expect(km.shanghai).toBeGreaterThan(1068 * 0.99);
    expect(km.shanghai).toBeLessThan(1068 * 1.01);
    expect(km.guangzhou).toBeGreaterThan(1889 * 0.99);
    expect(km.guangzhou).toBeLessThan(1889 * 1.01);
    expect(km.shenzhen).toBeGreaterThan(1943 * 0.99);
    expect(km.shenzhen).toBeLessThan(1943 * 1.01);
  });

  test('maxDistance, includeLocs and key', async () => {
    await addCities();
    const { list } = await sdkCall(
      (t.items.aggregate() as unknown as GeoNearChain)
        .geoNear({ near: point('guangzhou'), spherical: true, distanceField: 'd', maxDistance: 200_000, includeLocs: 'at', key: 'location' })
        .end(),
    );
    expect(ids(list)).toEqual(['guangzhou', 'shenzhen']);
    expect(list[0]).toMatchObject({ d: 0, at: { type: 'Point', coordinates: [...CITY.guangzhou] } });
  });
});

describe('the geo index (云开发 / 数据库 / 地理位置: 必须建立地理位置索引)', () => {
  // Without a 2dsphere index WeChat's database answers -502001 with MongoDB's planner error
  // "unable to find index for $geoNear query" (developers.weixin.qq.com community thread
  // 00048220060028865b785df9b52800 quotes the full answer; MongoDB manual: $nearSphere / $geoNear
  // "require a geospatial index"). $geoWithin / $geoIntersects need none (MongoDB manual).
  const spot = (name: keyof typeof CITY): Promise<unknown> => sdkCall(t.items.add({ data: { _id: name, spot: point(name) } }));

  test('geoNear on a field without a geo index is refused with DATABASE_REQUEST_FAILED, naming collection, field and the declaration', async () => {
    await spot('guangzhou');
    const error = await failure(t.items.where({ spot: _().geoNear({ geometry: point('shenzhen'), maxDistance: 200_000 }) }).get());
    expect(error.errCode).toBe(CloudErrcode.DATABASE_REQUEST_FAILED);
    expect(error.errMsg).toContain('unable to find index for $geoNear query');
    expect(error.errMsg).toContain(`collection "${COLLECTION}"`);
    expect(error.errMsg).toContain('field "spot"');
    expect(error.errMsg).toContain(`{"${COLLECTION}": {"spot": "2dsphere"}}`);
  });

  // aggregate().end() reports the backend's string code in `code` (errCode -1): see
  // collections-and-errors.test.ts, "aggregate on a missing collection".
  test('aggregate geoNear needs a geo index: on its key, or one in the collection', async () => {
    await spot('guangzhou');
    const chain = (options: object): Promise<unknown> =>
      (t.items.aggregate() as unknown as { geoNear(o: object): { end(): Promise<unknown> } }).geoNear(options).end();
    const keyed = await failure(chain({ near: point('shenzhen'), spherical: true, distanceField: 'd', key: 'spot' }));
    expect(keyed.code).toBe(CloudBackendCode.DATABASE_REQUEST_FAILED);
    expect(keyed.message).toContain('field "spot"');
    t.admin.createCollection('unindexed');
    const other = await failure(
      (t.db.collection('unindexed').aggregate() as unknown as { geoNear(o: object): { end(): Promise<unknown> } })
        .geoNear({ near: point('shenzhen'), spherical: true, distanceField: 'd' })
        .end(),
    );
    expect(other.code).toBe(CloudBackendCode.DATABASE_REQUEST_FAILED);
    expect(other.message).toContain('collection "unindexed" has no geo index (2dsphere) on any field');
  });

  test('geoWithin and geoIntersects need no index', async () => {
    await spot('guangzhou');
    const within = await sdkCall(t.items.where({ spot: _().geoWithin({ geometry: box(113.2644, 23.1291, 0.5) }) }).get());
    expect(ids(within.data)).toEqual(['guangzhou']);
    const crossing = await sdkCall(t.items.where({ spot: _().geoIntersects({ geometry: box(113.2644, 23.1291, 0.5) }) }).get());
    expect(ids(crossing.data)).toEqual(['guangzhou']);
  });

  test('once declared (here as PUT /admin/indexes would), geoNear on the field answers', async () => {
    await spot('guangzhou');
    t.admin.indexes.declare({ [COLLECTION]: { spot: '2dsphere' } });
    const { data } = await sdkCall(t.items.where({ spot: _().geoNear({ geometry: point('shenzhen'), maxDistance: 200_000 }) }).get());
    expect(ids(data)).toEqual(['guangzhou']);
  });
});
