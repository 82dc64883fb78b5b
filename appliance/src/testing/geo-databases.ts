import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const WRITER = path.resolve(__dirname, '../../../tools/make-test-mmdb.pl');

/** One network of a test database: its country and autonomous system (made-up records). */
export interface TestNetwork {
  cidr: string;
  country: string;
  countryName: string;
  asn: number;
  asOrg: string;
}

/**
 * Remote networks of `alexa-app.pcapng` with made-up places, written by the tests into their
 * own .mmdb files with Debian's libmaxmind-db-writer-perl (tools/make-test-mmdb.pl): no
 * database is downloaded.
 */
export const TEST_NETWORKS: readonly TestNetwork[] = [
  { cidr: '52.84.0.0/15', country: 'US', countryName: 'United States', asn: 16509, asOrg: 'AMAZON-02' },
  { cidr: '52.94.0.0/16', country: 'DE', countryName: 'Germany', asn: 16509, asOrg: 'AMAZON-02' },
  { cidr: '54.239.0.0/16', country: 'IE', countryName: 'Ireland', asn: 14618, asOrg: 'AMAZON-AES' },
  { cidr: '72.21.192.0/19', country: 'US', countryName: 'United States', asn: 14618, asOrg: 'AMAZON-AES' },
];

/** Writes a country database and an ASN database of `networks` into `dir`; returns their paths. */
export function writeTestGeoDatabases(dir: string, networks: readonly TestNetwork[] = TEST_NETWORKS): { countryDb: string; asnDb: string } {
  const countryDb = path.join(dir, 'test-country.mmdb');
  const asnDb = path.join(dir, 'test-asn.mmdb');
  const country = networks.map((n) => `${n.cidr}\t${JSON.stringify({ country: { iso_code: n.country, names: { en: n.countryName } } })}`).join('\n');
  const asn = networks
    .map((n) => `${n.cidr}\t${JSON.stringify({ autonomous_system_number: n.asn, autonomous_system_organization: n.asOrg })}`)
    .join('\n');
  execFileSync('perl', [WRITER, countryDb, 'country'], { input: country });
  execFileSync('perl', [WRITER, asnDb, 'asn'], { input: asn });
  return { countryDb, asnDb };
}

/** The test network holding an IPv4 address, if any. */
export function testNetworkOf(ip: string, networks: readonly TestNetwork[] = TEST_NETWORKS): TestNetwork | undefined {
  const n = ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  return networks.find((net) => {
    const [base, bits] = net.cidr.split('/');
    const b = base.split('.').reduce((a, x) => a * 256 + Number(x), 0);
    const size = 2 ** (32 - Number(bits));
    return n >= b && n < b + size;
  });
}
