/*
 * flowprobe nDPI shim: batched protocol detection over Debian's nDPI 4.2.
 *
 * One fp_ndpi engine per capture worker thread. The worker queues, per burst,
 * the packets of flows that still need DPI (state index, IP header offset and
 * length in the burst data buffer, timestamp, direction) and calls
 * fp_ndpi_process() ONCE per burst. Results go into caller-provided arrays:
 * nothing is allocated per packet on either side of the FFI.
 *
 * Per-flow nDPI state (ndpi_flow_struct) lives in a fixed pool of
 * `max_states` entries, indexed by a "state index" the caller manages with a
 * free list. State memory is freed with ndpi_free_flow_data as soon as
 * detection ends, so the caller may reuse the index right after it sees a
 * final state.
 */
#ifndef FLOWPROBE_NDPI_H
#define FLOWPROBE_NDPI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Words written per batch entry into `out` (u32). */
#define FP_OUT_WORDS 8
enum {
  FP_OUT_L7 = 0,        /* master << 16 | app */
  FP_OUT_CAT_BREED = 1, /* category | breed << 16 | confidence << 24 */
  FP_OUT_RISK_LO = 2,
  FP_OUT_RISK_HI = 3,
  FP_OUT_SCORE = 4,
  FP_OUT_DPI_PACKETS = 5,
  FP_OUT_STATE = 6,     /* FP_STATE_* */
  FP_OUT_ORIGIN = 7     /* FP_ORIGIN_* bits: how the result was refined */
};

/* Same numbers as DpiState in dataplane/src/flow/flow-table.layout.ts. */
#define FP_STATE_NONE 0
#define FP_STATE_PENDING 1
#define FP_STATE_DETECTED 2
#define FP_STATE_GIVEN_UP 3
/* Entry not processed (state already final in this batch, bad index or bounds). */
#define FP_STATE_SKIPPED 255

#define FP_ORIGIN_GUESSED 1     /* ndpi_detection_giveup guessed it (port/IP) */
#define FP_ORIGIN_DNS_CACHE 2   /* from an earlier DNS answer for the server address */
#define FP_ORIGIN_IP_ONLY_DROPPED 4 /* an app taken from the server IP alone was dropped */
#define FP_ORIGIN_PAYLOAD 8     /* a shim payload rule (beyond nDPI 4.2) matched */

/* Per-entry text written only for entries that reach a final state:
 * [FP_NAME_BYTES: u8 length + UTF-8 server name][FP_INFO_BYTES: u16 LE length + compact JSON].
 * Same byte format as the flow table's name and info regions. */
#define FP_NAME_BYTES 128
#define FP_INFO_BYTES 384
#define FP_TEXT_BYTES (FP_NAME_BYTES + FP_INFO_BYTES)

/* Entry flags. */
#define FP_ENTRY_FROM_CLIENT 1
#define FP_ENTRY_NEW_STATE 2 /* (re)initialise the state before this packet */
#define FP_ENTRY_GIVE_UP 4   /* no packet: give up on the flow holding this state (evicted) */

/* Engine options (bit flags). */
#define FP_OPT_DNS_CACHE 1       /* classify later flows by earlier DNS answers */
#define FP_OPT_DROP_IP_ONLY_APP 2 /* drop app parts nDPI 4.2 took from the IP only (as nDPI >= 4.4) */
#define FP_OPT_PAYLOAD_RULES 4   /* extra payload rules (SSDP host, Gnutella UDP) */

/* Counters (f64) returned by fp_ndpi_stats. */
enum {
  FP_STAT_PACKETS = 0,
  FP_STAT_FLOWS_DETECTED,
  FP_STAT_FLOWS_GIVEN_UP,
  FP_STAT_FLOWS_GUESSED,
  FP_STAT_DNS_CACHE_INSERTS,
  FP_STAT_DNS_CACHE_HITS,
  FP_STAT_SKIPPED,
  FP_STAT_STATES_IN_USE,
  FP_STAT_COUNT = 16
};

typedef struct fp_ndpi fp_ndpi;

/* Creates an engine (serialised across threads: nDPI module init must not run in
 * parallel). protos_path may be NULL or "" (no custom rules). Returns NULL on failure. */
fp_ndpi *fp_ndpi_create(uint32_t max_states, uint32_t packet_limit, uint32_t options,
                        uint32_t dns_cache_entries, const char *protos_path);
void fp_ndpi_destroy(fp_ndpi *e);
uint32_t fp_ndpi_flow_struct_size(void);
uint32_t fp_ndpi_api_version(void);

/* Processes n packets of the burst `data` (data_len bytes). Returns entries processed. */
int32_t fp_ndpi_process(fp_ndpi *e, const uint8_t *data, uint32_t data_len, uint32_t n,
                        const int32_t *state_idx, const uint32_t *l3_off, const uint32_t *l3_len,
                        const double *ts_ms, const uint8_t *flags, uint32_t *out, uint8_t *text);

/* Gives up detection (with guessing) for n states still pending; writes final results
 * as fp_ndpi_process does. Entries whose state is not pending get FP_STATE_SKIPPED. */
int32_t fp_ndpi_giveup(fp_ndpi *e, uint32_t n, const int32_t *state_idx, uint32_t *out, uint8_t *text);

/* Frees the nDPI data of a state (no-op when already final). */
void fp_ndpi_release(fp_ndpi *e, int32_t state_idx);

/* Names, for the offline side (cached by the caller). */
int32_t fp_ndpi_protocol_name(fp_ndpi *e, uint32_t l7, char *buf, uint32_t buf_len);
const char *fp_ndpi_category_name(fp_ndpi *e, uint32_t category);
const char *fp_ndpi_breed_name(fp_ndpi *e, uint32_t breed);
const char *fp_ndpi_confidence_name(uint32_t confidence);
const char *fp_ndpi_risk_name(uint32_t risk_bit);
uint32_t fp_ndpi_num_protocols(fp_ndpi *e);
int32_t fp_ndpi_protocol_id(fp_ndpi *e, const char *name);
uint32_t fp_ndpi_protocol_category(fp_ndpi *e, uint32_t l7);
uint32_t fp_ndpi_protocol_breed(fp_ndpi *e, uint32_t proto);

void fp_ndpi_stats(fp_ndpi *e, double *out);

#ifdef __cplusplus
}
#endif
#endif
