/* Packet-level helpers of the nDPI shim: IP parsing and payload rules beyond nDPI 4.2. */
#include "ndpi_internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>


/* Finds addresses, L4 protocol and L4 payload of an IP packet. Returns 0 when unparseable,
 * 2 when parseable but not safe to give to nDPI 4.2 (fragment, truncated L4 header), else 1. */
int fp_parse_ip(const uint8_t *p, uint32_t len, uint8_t *ver, uint32_t *src, uint32_t *dst,
                    uint8_t *l4, const uint8_t **payload, uint32_t *plen) {
  uint32_t hl;
  int clean = 1;
  if (len < 20) return 0;
  *ver = p[0] >> 4;
  memset(src, 0, 16);
  memset(dst, 0, 16);
  if (*ver == 4) {
    hl = (uint32_t)(p[0] & 0x0f) * 4;
    if (hl < 20 || hl > len) return 0;
    memcpy(src, p + 12, 4);
    memcpy(dst, p + 16, 4);
    *l4 = p[9];
    uint32_t tot = (uint32_t)p[2] << 8 | p[3];
    /* nDPI 4.2 parses no L4 header in fragments or packets with a bad total length, and
     * some dissectors then dereference the missing header (TLS reassembly): not clean. */
    if ((p[6] & 0x3f) || p[7] || tot < hl || tot > len) clean = 0;
  } else if (*ver == 6) {
    if (len < 40) return 0;
    memcpy(src, p + 8, 16);
    memcpy(dst, p + 24, 16);
    *l4 = p[6];
    hl = 40;
    uint32_t plen6 = (uint32_t)p[4] << 8 | p[5];
    if (plen6 == 0 || plen6 + 40 > len) clean = 0;
  } else {
    return 0;
  }
  *payload = NULL;
  *plen = 0;
  if (*l4 == IPPROTO_UDP && len >= hl + 8) {
    *payload = p + hl + 8;
    *plen = len - hl - 8;
  } else if (*l4 == IPPROTO_TCP && len >= hl + 20) {
    uint32_t th = (uint32_t)(p[hl + 12] >> 4) * 4;
    if (th >= 20 && len >= hl + th) {
      *payload = p + hl + th;
      *plen = len - hl - th;
    }
  }
  if ((*l4 == IPPROTO_UDP || *l4 == IPPROTO_TCP) && !*payload) clean = 0;
  return clean ? 1 : 2;
}

/* Payload rules for protocols nDPI 4.2 misses but current nDPI detects. `pl` is the UDP payload
 * (the UDP header is the 8 bytes before it). Returns a protocol id or 0. */
uint16_t fp_payload_rule(const uint8_t *pl, uint32_t n, uint8_t l4) {
  if (l4 != IPPROTO_UDP || !pl) return 0;
  /* SNMP v1/v2c/v3 on 161/162 (requests, traps, long messages 4.2's dissector rejects):
   * BER SEQUENCE (short or 1-2 byte long length) then INTEGER version 0, 1 or 3. */
  uint16_t sport = (uint16_t)(pl[-8] << 8 | pl[-7]), dport = (uint16_t)(pl[-6] << 8 | pl[-5]);
  if ((sport == 161 || sport == 162 || dport == 161 || dport == 162) && n >= 8 && pl[0] == 0x30) {
    uint32_t v = pl[1] < 0x80 ? 2 : pl[1] == 0x81 ? 3 : pl[1] == 0x82 ? 4 : 0;
    if (v && n > v + 3 && pl[v] == 0x02 && pl[v + 1] == 0x01 && (pl[v + 2] == 0 || pl[v + 2] == 1 || pl[v + 2] == 3))
      return NDPI_PROTOCOL_SNMP;
  }
  /* Gnutella UDP "GND" (semi-reliable UDP layer of gtk-gnutella/LimeWire): "GND", flags,
   * u16 sequence, part number, part count with 1 <= part <= count. */
  if (n >= 8 && pl[0] == 'G' && pl[1] == 'N' && pl[2] == 'D' && pl[6] >= 1 && pl[7] >= 1 && pl[6] <= pl[7])
    return NDPI_PROTOCOL_GNUTELLA;
  /* Plain Gnutella message: 16-byte GUID, function, TTL, hops, u32 LE payload length that
   * must equal the rest of the datagram (a 32-bit match, so false positives are negligible). */
  if (n >= 24) {
    uint32_t l = (uint32_t)pl[19] | (uint32_t)pl[20] << 8 | (uint32_t)pl[21] << 16 | (uint32_t)pl[22] << 24;
    if (l == n - 23 && pl[17] <= 16 && pl[18] <= 16) return NDPI_PROTOCOL_GNUTELLA;
  }
  return 0;
}

/* SSDP carries its target in a "HOST:" header; current nDPI reports it as the server name. */
void fp_ssdp_host(struct ndpi_flow_struct *f, const uint8_t *pl, uint32_t n) {
  if (!pl || f->host_server_name[0]) return;
  for (uint32_t i = 0; i + 6 < n; i++) {
    if ((i == 0 || pl[i - 1] == '\n') && strncasecmp((const char *)pl + i, "HOST:", 5) == 0) {
      uint32_t s = i + 5, k = 0;
      while (s < n && pl[s] == ' ') s++;
      while (s < n && pl[s] != '\r' && pl[s] != '\n' && k < sizeof(f->host_server_name) - 1)
        f->host_server_name[k++] = (char)tolower(pl[s++]); /* nDPI keeps names lowercase */
      f->host_server_name[k] = 0;
      return;
    }
  }
}

/* OpenVPN (UDP, or TCP with its 2-byte length prefix), as current nDPI: a hard-reset
 * packet (P_CONTROL_HARD_RESET_CLIENT_V2/V3, key id 0) carries an 8-byte session id that the
 * same peer repeats in its next control/ack packets. `sid`/`seen` hold the first packet's id.
 * nDPI 4.2 misses OpenVPN on non-default ports and several TCP variants. */
uint16_t fp_openvpn_rule(uint8_t *sid, uint8_t *seen, const uint8_t *pl, uint32_t n, uint8_t l4) {
  uint32_t o = l4 == IPPROTO_TCP ? 2 : 0;
  if (!pl || (l4 != IPPROTO_UDP && l4 != IPPROTO_TCP) || n < o + 9) return 0;
  if (o && (uint32_t)(pl[0] << 8 | pl[1]) != n - 2) return 0; /* TCP: one whole record */
  uint8_t op = pl[o];
  if (!*seen) {
    if (op == 0x38 || op == 0x50) { /* hard reset client v2 / v3 */
      memcpy(sid, pl + o + 1, 8);
      *seen = 1;
    }
    return 0;
  }
  if ((op == 0x20 || op == 0x28 || op == 0x38 || op == 0x50) && memcmp(sid, pl + o + 1, 8) == 0) return NDPI_PROTOCOL_OPENVPN;
  return 0;
}
