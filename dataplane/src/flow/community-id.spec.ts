import { parseIp } from '../shard/ip-address';
import { communityId } from './community-id';

/**
 * The spec's published baseline (corelight/community-id-spec, baseline/
 * baseline_deflt.json and baseline_seed1.json, from pcaps/combined.pcap):
 * proto, source address and port, destination address and port (ICMP: type
 * and code), Community ID with seed 0, with seed 1.
 */
const BASELINE: [number, string, number | null, string, number | null, string, string][] = [
  [58, 'fe80::200:86ff:fe05:80da', 135, 'fe80::260:97ff:fe07:69ea', 136, '1:dGHyGvjMfljg6Bppwm3bg0LO8TY=', '1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY='],
  [58, 'fe80::260:97ff:fe07:69ea', 136, 'fe80::200:86ff:fe05:80da', 135, '1:dGHyGvjMfljg6Bppwm3bg0LO8TY=', '1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY='],
  [58, 'fe80::260:97ff:fe07:69ea', 135, 'fe80::200:86ff:fe05:80da', 136, '1:zavyT/cezQr1fmImYCwYnMXbgck=', '1:2hSqmsDZ2kdcY9kbiUzOEBic0iM='],
  [58, 'fe80::200:86ff:fe05:80da', 136, 'fe80::260:97ff:fe07:69ea', 135, '1:zavyT/cezQr1fmImYCwYnMXbgck=', '1:2hSqmsDZ2kdcY9kbiUzOEBic0iM='],
  [58, '3ffe:501:1800:2345::2', 3, '3ffe:507:0:1:200:86ff:fe05:80da', 0, '1:2ObVBgIn28oZvibYZhZMBgh7WdQ=', '1:lVEtCZpYu84Xqaa++3lXFyuu2n4='],
  [58, '3ffe:501:410:0:2c0:dfff:fe47:33e', 1, '3ffe:507:0:1:200:86ff:fe05:80da', 4, '1:hLZd0XGWojozrvxqE0dWB1iM6R0=', '1:W8MHwXpWzpoSTD+cGcaJr4u0ys8='],
  [58, '3ffe:507:0:1:200:86ff:fe05:80da', 128, '3ffe:501:0:1001::2', 129, '1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=', '1:GfZxjAkDk2MkegpBYHV6tadtFXQ='],
  [58, '3ffe:501:0:1001::2', 129, '3ffe:507:0:1:200:86ff:fe05:80da', 128, '1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=', '1:GfZxjAkDk2MkegpBYHV6tadtFXQ='],
  [58, 'fe80::200:86ff:fe05:80da', 133, 'ff02::2', 134, '1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=', '1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8='],
  [58, 'fe80::260:97ff:fe07:69ea', 134, 'ff02::1', 133, '1:pkvHqCL88/tg1k4cPigmZXUtL00=', '1:K/ee5UCqAMAQXDorP5nSa2CGLjc='],
  [1, '192.168.0.89', 8, '192.168.0.1', 0, '1:X0snYXpgwiv9TZtqg64sgzUn6Dk=', '1:03g6IloqVBdcZlPyX8r0hgoE7kA='],
  [1, '192.168.0.1', 0, '192.168.0.89', 8, '1:X0snYXpgwiv9TZtqg64sgzUn6Dk=', '1:03g6IloqVBdcZlPyX8r0hgoE7kA='],
  [1, '10.0.0.1', 11, '10.0.0.2', 0, '1:YHxtAirCG//0OzkcVAukqKQN9xM=', '1:XjUibYHaafLQ3pxQeiMI8g25q20='],
  [6, '2001:470:e5bf:dead:4957:2174:e82c:4887', 63943, '2607:f8b0:400c:c03::1a', 25, '1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=', '1:eJYTW6AOzFLlSUoESovMjnu7rMw='],
  [6, '2607:f8b0:400c:c03::1a', 25, '2001:470:e5bf:dead:4957:2174:e82c:4887', 63943, '1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=', '1:eJYTW6AOzFLlSUoESovMjnu7rMw='],
  [132, '192.168.170.8', 7, '192.168.170.56', 7, '1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=', '1:5w3ZRjeKBzqT3zsaEECDGjUbYeg='],
  [132, '192.168.170.56', 7, '192.168.170.8', 7, '1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=', '1:5w3ZRjeKBzqT3zsaEECDGjUbYeg='],
  [6, '128.232.110.120', 34855, '66.35.250.204', 80, '1:LQU9qZlK+B5F3KDmev6m5PMibrg=', '1:3V71V58M3Ksw/yuFALMcW0LAHvc='],
  [6, '66.35.250.204', 80, '128.232.110.120', 34855, '1:LQU9qZlK+B5F3KDmev6m5PMibrg=', '1:3V71V58M3Ksw/yuFALMcW0LAHvc='],
  [17, '192.168.1.52', 54585, '8.8.8.8', 53, '1:d/FP5EW3wiY1vCndhwleRRKHowQ=', '1:Q9We8WO3piVF8yEQBNJF4uiSVrI='],
  [17, '8.8.8.8', 53, '192.168.1.52', 54585, '1:d/FP5EW3wiY1vCndhwleRRKHowQ=', '1:Q9We8WO3piVF8yEQBNJF4uiSVrI='],
  [46, '10.1.12.1', null, '10.1.12.2', null, '1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=', '1:rYir8gphR31noO9iDRQmF/BteEI='],
  [46, '10.1.12.2', null, '10.1.12.1', null, '1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=', '1:rYir8gphR31noO9iDRQmF/BteEI='],
];

describe('communityId', () => {
  it.each(BASELINE)('proto %i %s:%s -> %s:%s is the baseline id (seed 0 and 1)', (proto, saddr, sport, daddr, dport, seed0, seed1) => {
    const s = parseIp(saddr);
    const d = parseIp(daddr);
    expect(communityId(s.version, proto, s.words, sport ?? 0, d.words, dport ?? 0)).toBe(seed0);
    expect(communityId(s.version, proto, s.words, sport ?? 0, d.words, dport ?? 0, 1)).toBe(seed1);
  });

  it('is the same for both directions of a TCP flow', () => {
    const a = parseIp('10.0.0.1');
    const b = parseIp('10.0.0.2');
    expect(communityId(4, 6, a.words, 40000, b.words, 443)).toBe(communityId(4, 6, b.words, 443, a.words, 40000));
    expect(communityId(4, 6, a.words, 40000, b.words, 443)).not.toBe(communityId(4, 17, a.words, 40000, b.words, 443));
  });
});
