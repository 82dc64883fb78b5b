/*
 * flowprobe nDPI shim (see flowprobe_ndpi.h). Mirrors the per-packet logic of
 * nDPI 4.2's own ndpiReader (example/reader_util.c, ndpi_workflow_process_packet):
 * feed ndpi_detection_process_packet until an application is found, keep feeding
 * while ndpi_extra_dissection_possible() says so, stop at the packet limit and
 * give up with guessing when nothing was found.
 */
#define _GNU_SOURCE
#include "flowprobe_ndpi.h"
#include "ndpi_internal.h"

#include <ndpi_api.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <arpa/inet.h>

/* nDPI module init must not run in parallel (ndpi_api.h); one lock for the process. */
static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct {
  uint16_t dpi_packets;
  uint8_t in_use;  /* nDPI data allocated and not yet freed */
  uint8_t ip_ver;
  uint8_t l4;      /* IP protocol of the first clean packet; 0 until then */
  uint8_t ovpn_seen;   /* payload rule state: OpenVPN session id of the first hard reset */
  uint8_t ovpn_sid[8];
  uint32_t addr[2][4]; /* [0] = source, [1] = destination of the first packet */
  ndpi_protocol last;  /* last result of ndpi_detection_process_packet */
} fp_state;

typedef struct {
  uint32_t addr[4];
  uint16_t app;
  uint8_t ip_ver;
  uint8_t used;
} fp_dns_entry;

struct fp_ndpi {
  struct ndpi_detection_module_struct *mod;
  uint32_t flow_size, max_states, packet_limit, options;
  uint8_t *pool; /* max_states * flow_size bytes of ndpi_flow_struct */
  fp_state *states;
  fp_dns_entry *dns;
  uint32_t dns_mask;
  double stats[FP_STAT_COUNT];
};

uint32_t fp_ndpi_flow_struct_size(void) { return ndpi_detection_get_sizeof_ndpi_flow_struct(); }
uint32_t fp_ndpi_api_version(void) { return ndpi_get_api_version(); }

fp_ndpi *fp_ndpi_create(uint32_t max_states, uint32_t packet_limit, uint32_t options,
                        uint32_t dns_cache_entries, const char *protos_path) {
  if (max_states == 0 || packet_limit == 0) return NULL;
  fp_ndpi *e = calloc(1, sizeof(*e));
  if (!e) return NULL;
  e->flow_size = ndpi_detection_get_sizeof_ndpi_flow_struct();
  /* The struct layout we compile against must be the library's. */
  if (e->flow_size != sizeof(struct ndpi_flow_struct)) goto fail;
  e->max_states = max_states;
  e->packet_limit = packet_limit;
  e->options = options;
  e->pool = calloc((size_t)max_states, e->flow_size);
  e->states = calloc((size_t)max_states, sizeof(fp_state));
  if (!e->pool || !e->states) goto fail;
  if (options & FP_OPT_DNS_CACHE) {
    uint32_t cap = 1024;
    while (cap < dns_cache_entries && cap < (1u << 24)) cap <<= 1;
    e->dns = calloc(cap, sizeof(fp_dns_entry));
    if (!e->dns) goto fail;
    e->dns_mask = cap - 1;
  }

  pthread_mutex_lock(&init_lock);
  e->mod = ndpi_init_detection_module(ndpi_no_prefs);
  if (e->mod) {
    NDPI_PROTOCOL_BITMASK all;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(e->mod, &all);
    if (protos_path && protos_path[0]) ndpi_load_protocols_file(e->mod, protos_path);
    ndpi_finalize_initialization(e->mod);
  }
  pthread_mutex_unlock(&init_lock);
  if (!e->mod) goto fail;
  return e;

fail:
  free(e->pool);
  free(e->states);
  free(e->dns);
  free(e);
  return NULL;
}

void fp_ndpi_release(fp_ndpi *e, int32_t idx) {
  if (!e || idx < 0 || (uint32_t)idx >= e->max_states) return;
  fp_state *s = &e->states[idx];
  if (s->in_use) {
    ndpi_free_flow_data((struct ndpi_flow_struct *)(e->pool + (size_t)idx * e->flow_size));
    s->in_use = 0;
    e->stats[FP_STAT_STATES_IN_USE]--;
  }
}

void fp_ndpi_destroy(fp_ndpi *e) {
  if (!e) return;
  for (uint32_t i = 0; i < e->max_states; i++) fp_ndpi_release(e, (int32_t)i);
  pthread_mutex_lock(&init_lock);
  ndpi_exit_detection_module(e->mod);
  pthread_mutex_unlock(&init_lock);
  free(e->pool);
  free(e->states);
  free(e->dns);
  free(e);
}

/* ---------------------------------------------------------------- DNS-answer cache */

static uint32_t dns_slot(fp_ndpi *e, const uint32_t *addr) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < 4; i++) h = (h ^ addr[i]) * 16777619u;
  return (h ^ (h >> 15)) & e->dns_mask;
}

static void dns_insert(fp_ndpi *e, uint8_t ver, const uint32_t *addr, uint16_t app) {
  fp_dns_entry *d = &e->dns[dns_slot(e, addr)];
  memcpy(d->addr, addr, 16);
  d->ip_ver = ver;
  d->app = app;
  d->used = 1;
  e->stats[FP_STAT_DNS_CACHE_INSERTS]++;
}

static uint16_t dns_lookup(fp_ndpi *e, uint8_t ver, const uint32_t *addr) {
  fp_dns_entry *d = &e->dns[dns_slot(e, addr)];
  if (d->used && d->ip_ver == ver && memcmp(d->addr, addr, 16) == 0) return d->app;
  return 0;
}

/* ---------------------------------------------------------------- results */

static uint16_t match_host(fp_ndpi *e, const char *name) {
  ndpi_protocol_match_result m;
  size_t n = name ? strnlen(name, 255) : 0;
  if (!n) return 0;
  memset(&m, 0, sizeof(m));
  int id = ndpi_match_string_subprotocol(e->mod, (char *)name, (u_int)n, &m);
  return id > 0 ? (uint16_t)id : 0;
}

static void write_out(fp_ndpi *e, struct ndpi_flow_struct *f, fp_state *s, ndpi_protocol p,
                      uint32_t state, uint32_t origin, uint32_t *o) {
  uint16_t top = p.app_protocol ? p.app_protocol : p.master_protocol;
  uint32_t breed = top ? (uint32_t)ndpi_get_proto_breed(e->mod, top) : NDPI_PROTOCOL_UNRATED;
  uint16_t cs = 0, ss = 0;
  o[FP_OUT_L7] = (uint32_t)p.master_protocol << 16 | p.app_protocol;
  o[FP_OUT_CAT_BREED] = ((uint32_t)p.category & 0xffff) | (breed & 0xff) << 16 | ((uint32_t)f->confidence & 0xff) << 24;
  o[FP_OUT_RISK_LO] = (uint32_t)(f->risk & 0xffffffffu);
  o[FP_OUT_RISK_HI] = (uint32_t)(f->risk >> 32);
  o[FP_OUT_SCORE] = f->risk ? ndpi_risk2score(f->risk, &cs, &ss) : 0;
  o[FP_OUT_DPI_PACKETS] = s->dpi_packets;
  o[FP_OUT_STATE] = state;
  o[FP_OUT_ORIGIN] = origin;
}

/* Ends detection of a state: give up if needed, refine, write results and text, free nDPI data. */
static void finish(fp_ndpi *e, int32_t idx, uint16_t forced, uint32_t origin, uint32_t *o, uint8_t *text) {
  fp_state *s = &e->states[idx];
  struct ndpi_flow_struct *f = (struct ndpi_flow_struct *)(e->pool + (size_t)idx * e->flow_size);
  ndpi_protocol p = s->last;
  uint32_t state = FP_STATE_DETECTED;

  if (forced) {
    p.master_protocol = 0;
    p.app_protocol = forced;
    p.category = ndpi_get_proto_category(e->mod, p);
    f->confidence = NDPI_CONFIDENCE_DPI;
  } else if (s->dpi_packets == 0) {
    memset(&p, 0, sizeof(p)); /* nDPI never saw a packet of this flow: nothing to give up */
    state = FP_STATE_GIVEN_UP;
  } else if (p.app_protocol == NDPI_PROTOCOL_UNKNOWN) {
    uint8_t guessed = 0;
    p = ndpi_detection_giveup(e->mod, f, 1, &guessed);
    state = FP_STATE_GIVEN_UP;
    if (guessed) origin |= FP_ORIGIN_GUESSED;
    e->stats[FP_STAT_FLOWS_GUESSED] += guessed ? 1 : 0;
  }

  /* nDPI >= 4.4 no longer turns "the server address belongs to X" into the app part of
   * a DPI result (it reports it apart, as [IP: X]); 4.2 does (TLS.Apple for any TLS to
   * 17.0.0.0/8). Keep X only when the server name itself matches X. */
  if ((e->options & FP_OPT_DROP_IP_ONLY_APP) && p.master_protocol && p.app_protocol &&
      /* STUN/DTLS keep IP-based sub-classification in current nDPI too (WhatsAppCall, Zoom). */
      p.master_protocol != NDPI_PROTOCOL_STUN && p.master_protocol != NDPI_PROTOCOL_DTLS &&
      p.app_protocol != p.master_protocol && p.app_protocol == f->guessed_host_protocol_id &&
      match_host(e, ndpi_get_flow_name(f)) != p.app_protocol) {
    p.app_protocol = p.master_protocol;
    p.master_protocol = 0;
    p.category = ndpi_get_proto_category(e->mod, p);
    origin |= FP_ORIGIN_IP_ONLY_DROPPED;
  }

  if (e->dns) {
    /* Remember DNS answers that name an application, for later flows to that address. */
    if (p.master_protocol == NDPI_PROTOCOL_DNS && p.app_protocol && p.app_protocol != NDPI_PROTOCOL_DNS) {
      uint32_t a[4] = {0, 0, 0, 0};
      if (f->protos.dns.rsp_type == 0x1 && f->protos.dns.rsp_addr.ipv4) {
        a[0] = f->protos.dns.rsp_addr.ipv4;
        dns_insert(e, 4, a, p.app_protocol);
      } else if (f->protos.dns.rsp_type == 0x1c) {
        memcpy(a, &f->protos.dns.rsp_addr.ipv6, 16);
        dns_insert(e, 6, a, p.app_protocol);
      }
    } else if (p.app_protocol == NDPI_PROTOCOL_UNKNOWN && p.master_protocol == NDPI_PROTOCOL_UNKNOWN) {
      /* Still unknown: the server address was resolved earlier by a classified DNS query. */
      uint16_t app = dns_lookup(e, s->ip_ver, s->addr[1]);
      if (!app) app = dns_lookup(e, s->ip_ver, s->addr[0]);
      if (app) {
        p.app_protocol = app;
        p.category = ndpi_get_proto_category(e->mod, p);
        f->confidence = NDPI_CONFIDENCE_DPI_CACHE;
        origin |= FP_ORIGIN_DNS_CACHE;
        e->stats[FP_STAT_DNS_CACHE_HITS]++;
      }
    }
  }

  write_out(e, f, s, p, state, origin, o);
  if (text) fp_write_text(f, p, text);
  e->stats[state == FP_STATE_DETECTED ? FP_STAT_FLOWS_DETECTED : FP_STAT_FLOWS_GIVEN_UP]++;
  ndpi_free_flow_data(f);
  s->in_use = 0;
  e->stats[FP_STAT_STATES_IN_USE]--;
}

int32_t fp_ndpi_process(fp_ndpi *e, const uint8_t *data, uint32_t data_len, uint32_t n,
                        const int32_t *state_idx, const uint32_t *l3_off, const uint32_t *l3_len,
                        const double *ts_ms, const uint8_t *flags, uint32_t *out, uint8_t *text) {
  int32_t done = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t *o = out + (size_t)i * FP_OUT_WORDS;
    uint8_t *t = text ? text + (size_t)i * FP_TEXT_BYTES : NULL;
    int32_t idx = state_idx[i];
    uint32_t off = l3_off[i], len = l3_len[i];
    o[FP_OUT_STATE] = FP_STATE_SKIPPED;
    if (idx < 0 || (uint32_t)idx >= e->max_states) {
      e->stats[FP_STAT_SKIPPED]++;
      continue;
    }
    fp_state *s = &e->states[idx];
    struct ndpi_flow_struct *f = (struct ndpi_flow_struct *)(e->pool + (size_t)idx * e->flow_size);
    if (flags[i] & FP_ENTRY_GIVE_UP) {
      /* The pool is full and the caller evicts this flow to make room: final result now. */
      if (s->in_use) finish(e, idx, 0, 0, o, t);
      continue;
    }
    const uint8_t *pkt = data + off;
    const uint8_t *pl = NULL;
    uint32_t plen = 0, src[4], dst[4];
    uint8_t ver = 0, l4 = 0;
    /* An entry outside the buffer still takes its state (the caller has allocated it). */
    int inside = off <= data_len && len <= data_len - off && len > 0;
    int parsed = inside ? fp_parse_ip(pkt, len, &ver, src, dst, &l4, &pl, &plen) : 0;

    if (flags[i] & FP_ENTRY_NEW_STATE) {
      if (s->in_use) fp_ndpi_release(e, idx);
      memset(f, 0, e->flow_size);
      memset(s, 0, sizeof(*s));
      s->in_use = 1;
      e->stats[FP_STAT_STATES_IN_USE]++;
      if (parsed) {
        s->ip_ver = ver;
        memcpy(s->addr[0], src, 16);
        memcpy(s->addr[1], dst, 16);
      }
    }
    if (!s->in_use) continue; /* already final earlier in this batch */
    /* Feed nDPI only well-formed packets of the flow's own L4 protocol: nDPI 4.2 crashes on
     * some malformed ones (a TCP flow in TLS reassembly given a packet without TCP header). */
    if (parsed != 1 || (s->l4 && s->l4 != l4)) {
      e->stats[FP_STAT_SKIPPED]++;
      continue;
    }
    if (!s->l4) s->l4 = l4;

    if (len > 0xffff) len = 0xffff;
    s->last = ndpi_detection_process_packet(e->mod, f, pkt, (unsigned short)len, (u_int64_t)ts_ms[i]);
    s->dpi_packets++;
    e->stats[FP_STAT_PACKETS]++;
    done++;

    if ((e->options & FP_OPT_PAYLOAD_RULES) && parsed) {
      if (s->last.app_protocol == NDPI_PROTOCOL_SSDP) fp_ssdp_host(f, pl, plen);
      if (s->last.app_protocol == NDPI_PROTOCOL_UNKNOWN) {
        uint16_t forced = fp_payload_rule(pl, plen, l4);
        if (!forced) forced = fp_openvpn_rule(s->ovpn_sid, &s->ovpn_seen, pl, plen, l4);
        if (forced) { finish(e, idx, forced, FP_ORIGIN_PAYLOAD, o, t); continue; }
      }
    }

    int enough = s->dpi_packets >= e->packet_limit;
    if (enough || s->last.app_protocol != NDPI_PROTOCOL_UNKNOWN) {
      if (!enough && ndpi_extra_dissection_possible(e->mod, f)) {
        write_out(e, f, s, s->last, FP_STATE_PENDING, 0, o); /* wait for more (certificate, response) */
      } else {
        finish(e, idx, 0, 0, o, t);
      }
    } else {
      write_out(e, f, s, s->last, FP_STATE_PENDING, 0, o);
    }
  }
  return done;
}

int32_t fp_ndpi_giveup(fp_ndpi *e, uint32_t n, const int32_t *state_idx, uint32_t *out, uint8_t *text) {
  int32_t done = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t *o = out + (size_t)i * FP_OUT_WORDS;
    int32_t idx = state_idx[i];
    o[FP_OUT_STATE] = FP_STATE_SKIPPED;
    if (idx < 0 || (uint32_t)idx >= e->max_states || !e->states[idx].in_use) continue;
    /* Extra dissection may have found the app already: keep it, as ndpiReader does. */
    finish(e, idx, 0, 0, o, text ? text + (size_t)i * FP_TEXT_BYTES : NULL);
    done++;
  }
  return done;
}

/* ---------------------------------------------------------------- names */

int32_t fp_ndpi_protocol_name(fp_ndpi *e, uint32_t l7, char *buf, uint32_t buf_len) {
  ndpi_protocol p;
  memset(&p, 0, sizeof(p));
  p.master_protocol = (uint16_t)(l7 >> 16);
  p.app_protocol = (uint16_t)(l7 & 0xffff);
  ndpi_protocol2name(e->mod, p, buf, buf_len);
  return (int32_t)strnlen(buf, buf_len);
}

const char *fp_ndpi_category_name(fp_ndpi *e, uint32_t category) {
  return ndpi_category_get_name(e->mod, (ndpi_protocol_category_t)category);
}

const char *fp_ndpi_breed_name(fp_ndpi *e, uint32_t breed) {
  return ndpi_get_proto_breed_name(e->mod, (ndpi_protocol_breed_t)breed);
}

const char *fp_ndpi_confidence_name(uint32_t confidence) {
  return ndpi_confidence_get_name((ndpi_confidence_t)confidence);
}

const char *fp_ndpi_risk_name(uint32_t risk_bit) { return ndpi_risk2str((ndpi_risk_enum)risk_bit); }

uint32_t fp_ndpi_num_protocols(fp_ndpi *e) { return ndpi_get_num_supported_protocols(e->mod); }

int32_t fp_ndpi_protocol_id(fp_ndpi *e, const char *name) {
  return ndpi_get_protocol_id(e->mod, (char *)name);
}

uint32_t fp_ndpi_protocol_category(fp_ndpi *e, uint32_t l7) {
  ndpi_protocol p;
  memset(&p, 0, sizeof(p));
  p.master_protocol = (uint16_t)(l7 >> 16);
  p.app_protocol = (uint16_t)(l7 & 0xffff);
  return (uint32_t)ndpi_get_proto_category(e->mod, p);
}

uint32_t fp_ndpi_protocol_breed(fp_ndpi *e, uint32_t proto) {
  return (uint32_t)ndpi_get_proto_breed(e->mod, (u_int16_t)proto);
}

void fp_ndpi_stats(fp_ndpi *e, double *out) { memcpy(out, e->stats, sizeof(e->stats)); }
