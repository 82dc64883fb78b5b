/* Internal helpers of the flowprobe nDPI shim (not part of the FFI surface). */
#ifndef FLOWPROBE_NDPI_INTERNAL_H
#define FLOWPROBE_NDPI_INTERNAL_H

#include <ndpi_api.h>
#include <stdint.h>

/* ndpi_packet.c */
int fp_parse_ip(const uint8_t *p, uint32_t len, uint8_t *ver, uint32_t *src, uint32_t *dst,
                uint8_t *l4, const uint8_t **payload, uint32_t *plen);
uint16_t fp_payload_rule(const uint8_t *pl, uint32_t n, uint8_t l4);
void fp_ssdp_host(struct ndpi_flow_struct *f, const uint8_t *pl, uint32_t n);
uint16_t fp_openvpn_rule(uint8_t *sid, uint8_t *seen, const uint8_t *pl, uint32_t n, uint8_t l4);

/* ndpi_result_text.c */
int fp_is_proto(ndpi_protocol p, uint16_t id);
void fp_write_text(struct ndpi_flow_struct *f, ndpi_protocol p, uint8_t *text);

#endif
