import { InvalidArgumentError } from '@wxhub/core';
import { enter, numberLiteral } from './literals';
import { QueryPart, call, type Mode, type Role } from './render';

/** `db.serverDate({offset})`: the database's clock at the time the query runs, plus `offset` ms. */
export class ServerDate extends QueryPart {
  protected readonly role: Role = 'leaf';

  constructor(readonly offset = 0) {
    super();
    if (!Number.isFinite(offset)) throw new InvalidArgumentError('serverDate offset', 'must be a finite number');
  }

  describe(): string {
    return 'db.serverDate()';
  }

  render(depth: number, _mode: Mode, what: string): string {
    if (this.offset === 0 && !Object.is(this.offset, -0)) return call('db.serverDate', depth, what, []);
    return call('db.serverDate', depth, what, [
      (inner) => {
        enter(inner, what);
        return `{offset: ${numberLiteral(this.offset, what)}}`;
      },
    ]);
  }
}

/** `new db.Geo.Point(longitude, latitude)`, stored as GeoJSON. */
export class GeoPoint extends QueryPart {
  protected readonly role: Role = 'leaf';

  constructor(
    readonly longitude: number,
    readonly latitude: number,
  ) {
    super();
    if (!Number.isFinite(longitude) || Math.abs(longitude) > 180) throw new InvalidArgumentError('geoPoint longitude', 'must be a number from -180 to 180');
    if (!Number.isFinite(latitude) || Math.abs(latitude) > 90) throw new InvalidArgumentError('geoPoint latitude', 'must be a number from -90 to 90');
  }

  describe(): string {
    return 'new db.Geo.Point()';
  }

  render(depth: number, _mode: Mode, what: string): string {
    return call('new db.Geo.Point', depth, what, [() => numberLiteral(this.longitude, what), () => numberLiteral(this.latitude, what)]);
  }
}

export function serverDate(offsetMs = 0): ServerDate {
  return new ServerDate(offsetMs);
}

export function geoPoint(longitude: number, latitude: number): GeoPoint {
  return new GeoPoint(longitude, latitude);
}
