import * as fs from 'node:fs';
import { open, Reader, type AsnResponse, type CountryResponse, type Response } from 'maxmind';

/** What a geolocation database says of one address ('' / 0 when it says nothing). */
export interface GeoInfo {
  /** ISO 3166-1 alpha-2 code of the country (`US`), '' when unknown. */
  country: string;
  /** English name of the country, '' when unknown. */
  country_name: string;
  /** Autonomous system number, 0 when unknown. */
  asn: number;
  /** Organisation of that autonomous system, '' when unknown. */
  as_org: string;
}

export const NO_GEO: GeoInfo = Object.freeze({ country: '', country_name: '', asn: 0, as_org: '' });

/** A configured database that cannot be used (missing, not a .mmdb, wrong kind). */
export class GeoDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeoDatabaseError';
  }
}

/** The two kinds of database used: country (or city) and ASN (or ISP). */
export type GeoDatabaseKind = 'country' | 'asn';

const KIND_TYPES: Record<GeoDatabaseKind, RegExp> = {
  // GeoLite2-Country, GeoLite2-City, GeoIP2-*, DBIP-Country-Lite, DBIP-City-Lite...
  country: /country|city/i,
  // GeoLite2-ASN, GeoIP2-ISP, DBIP-ASN-Lite (compat=GeoLite2-ASN)...
  asn: /asn|isp/i,
};

/** Lookups kept in the reader's LRU cache. */
const LOOKUP_CACHE = 10_000;

/**
 * Opens a MaxMind DB file (GeoLite2, GeoIP2 or DB-IP in the .mmdb format) with the
 * `maxmind` reader and checks its metadata is the expected kind.
 * @throws GeoDatabaseError naming the file and the reason.
 */
export function openGeoDatabase<T extends Response>(file: string, kind: GeoDatabaseKind): Reader<T> {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    throw new GeoDatabaseError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let reader: Reader<T>;
  try {
    reader = new Reader<T>(data);
  } catch (err) {
    throw new GeoDatabaseError(`${file} is not a MaxMind DB (.mmdb) file: ${(err as Error).message}`);
  }
  const type = String(reader.metadata.databaseType ?? '');
  if (!KIND_TYPES[kind].test(type)) {
    throw new GeoDatabaseError(`${file} is a "${type}" database, not ${kind === 'country' ? 'a country or city' : 'an ASN'} database`);
  }
  return reader;
}

/** Opens a checked database with the reader's own loader (an LRU of {@link LOOKUP_CACHE} lookups). */
async function openCached<T extends Response>(file: string, kind: GeoDatabaseKind): Promise<Reader<T>> {
  openGeoDatabase<T>(file, kind);
  return open<T>(file, { cache: { max: LOOKUP_CACHE } });
}

/**
 * Country and autonomous system of addresses from local MaxMind DB files
 * (`names.geoip` in the boot config). Either database may be absent; a lookup
 * never throws (an address the reader refuses is unknown).
 */
export class GeoIp {
  /** Without readers: no database, every lookup unknown. */
  constructor(
    private readonly country?: Reader<CountryResponse>,
    private readonly asn?: Reader<AsnResponse>,
  ) {}

  /** @throws GeoDatabaseError when a configured file is missing, not a .mmdb or of the wrong kind. */
  static async open(files: { countryDb?: string; asnDb?: string } = {}): Promise<GeoIp> {
    const country = files.countryDb ? await openCached<CountryResponse>(files.countryDb, 'country') : undefined;
    const asn = files.asnDb ? await openCached<AsnResponse>(files.asnDb, 'asn') : undefined;
    return new GeoIp(country, asn);
  }

  /** True when at least one database is loaded. */
  get enabled(): boolean {
    return this.country !== undefined || this.asn !== undefined;
  }

  /** Database types loaded (for /system and logs). */
  describe(): { country: string; asn: string } {
    return {
      country: this.country ? `${this.country.metadata.databaseType} (${new Date(this.country.metadata.buildEpoch).toISOString().slice(0, 10)})` : '',
      asn: this.asn ? `${this.asn.metadata.databaseType} (${new Date(this.asn.metadata.buildEpoch).toISOString().slice(0, 10)})` : '',
    };
  }

  lookup(ip: string): GeoInfo {
    if (!this.enabled) return NO_GEO;
    const c = this.get(this.country, ip);
    const a = this.get(this.asn, ip);
    // Records come from a file: read defensively, whatever their shape.
    const country = c?.country ?? c?.registered_country;
    return {
      country: typeof country?.iso_code === 'string' ? country.iso_code : '',
      country_name: typeof country?.names?.en === 'string' ? country.names.en : '',
      asn: typeof a?.autonomous_system_number === 'number' ? a.autonomous_system_number : 0,
      as_org: typeof a?.autonomous_system_organization === 'string' ? a.autonomous_system_organization : '',
    };
  }

  private get<T extends Response>(reader: Reader<T> | undefined, ip: string): T | null {
    if (!reader) return null;
    try {
      return reader.get(ip);
    } catch {
      return null;
    }
  }
}
