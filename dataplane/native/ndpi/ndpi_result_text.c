/* Result text of the nDPI shim: server name and compact JSON metadata per finished flow. */
#include "flowprobe_ndpi.h"
#include "ndpi_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>


typedef struct { char *b; uint32_t cap, pos; } jw;

static void jw_raw(jw *w, const char *s, uint32_t n) {
  if (w->pos + n >= w->cap) { w->pos = w->cap; return; }
  memcpy(w->b + w->pos, s, n);
  w->pos += n;
}

/* Adds "key":"value" with JSON escaping; drops the field when it does not fit. */
static void jw_str(jw *w, const char *key, const char *v) {
  if (!v || !v[0] || w->pos >= w->cap) return;
  uint32_t start = w->pos;
  char tmp[8];
  jw_raw(w, w->pos > 1 ? ",\"" : "\"", w->pos > 1 ? 2 : 1);
  jw_raw(w, key, (uint32_t)strlen(key));
  jw_raw(w, "\":\"", 3);
  for (const unsigned char *c = (const unsigned char *)v; *c && w->pos < w->cap; c++) {
    if (*c == '"' || *c == '\\') { tmp[0] = '\\'; tmp[1] = (char)*c; jw_raw(w, tmp, 2); }
    else if (*c < 0x20) { snprintf(tmp, sizeof(tmp), "\\u%04x", *c); jw_raw(w, tmp, 6); }
    else jw_raw(w, (const char *)c, 1);
  }
  jw_raw(w, "\"", 1);
  if (w->pos >= w->cap) w->pos = start; /* did not fit: leave it out */
}

static void jw_num(jw *w, const char *key, uint32_t v) {
  char tmp[16];
  if (!v) return;
  snprintf(tmp, sizeof(tmp), "%u", v);
  uint32_t start = w->pos;
  jw_raw(w, w->pos > 1 ? ",\"" : "\"", w->pos > 1 ? 2 : 1);
  jw_raw(w, key, (uint32_t)strlen(key));
  jw_raw(w, "\":", 2);
  jw_raw(w, tmp, (uint32_t)strlen(tmp));
  if (w->pos >= w->cap) w->pos = start;
}

int fp_is_proto(ndpi_protocol p, uint16_t id) { return p.master_protocol == id || p.app_protocol == id; }

void fp_write_text(struct ndpi_flow_struct *f, ndpi_protocol p, uint8_t *text) {
  /* Server name: u8 length + bytes. SSH reports the client banner, as ndpiReader. */
  const char *name = fp_is_proto(p, NDPI_PROTOCOL_SSH) ? f->protos.ssh.client_signature : ndpi_get_flow_name(f);
  uint32_t nl = name ? (uint32_t)strnlen(name, FP_NAME_BYTES - 1) : 0;
  text[0] = (uint8_t)nl;
  if (nl) memcpy(text + 1, name, nl);

  char *info = (char *)text + FP_NAME_BYTES + 2;
  jw w = { info, FP_INFO_BYTES - 2, 0 };
  char buf[64];
  jw_raw(&w, "{", 1);
  if (fp_is_proto(p, NDPI_PROTOCOL_HTTP) && f->http.url) {
    jw_str(&w, "url", f->http.url);
    jw_num(&w, "status", f->http.response_status_code);
    jw_str(&w, "content_type", f->http.content_type);
    jw_str(&w, "req_content_type", f->http.request_content_type);
    jw_str(&w, "user_agent", f->http.user_agent);
    jw_str(&w, "nat_ip", f->http.nat_ip);
  } else if (fp_is_proto(p, NDPI_PROTOCOL_DNS)) {
    if (f->protos.dns.rsp_type == 0x1 && f->protos.dns.rsp_addr.ipv4)
      inet_ntop(AF_INET, &f->protos.dns.rsp_addr.ipv4, buf, sizeof(buf));
    else if (f->protos.dns.rsp_type == 0x1c)
      inet_ntop(AF_INET6, &f->protos.dns.rsp_addr.ipv6, buf, sizeof(buf));
    else buf[0] = 0;
    jw_str(&w, "dns_answer", buf);
    jw_num(&w, "dns_query_type", f->protos.dns.query_type);
    jw_num(&w, "dns_reply_code", f->protos.dns.reply_code);
  } else if (fp_is_proto(p, NDPI_PROTOCOL_SSH)) {
    jw_str(&w, "ssh_server", f->protos.ssh.server_signature);
    jw_str(&w, "hassh_c", f->protos.ssh.hassh_client);
    jw_str(&w, "hassh_s", f->protos.ssh.hassh_server);
  } else if (fp_is_proto(p, NDPI_PROTOCOL_TLS) || fp_is_proto(p, NDPI_PROTOCOL_QUIC) || fp_is_proto(p, NDPI_PROTOCOL_DTLS)) {
    /* protos is a union: read tls_quic (pointers) only for TLS-family results. */
    if (f->protos.tls_quic.ssl_version) {
      uint8_t unknown = 0;
      jw_str(&w, "tls_version", ndpi_ssl_version2str(buf, sizeof(buf), f->protos.tls_quic.ssl_version, &unknown));
    }
    jw_str(&w, "ja3c", f->protos.tls_quic.ja3_client);
    jw_str(&w, "ja3s", f->protos.tls_quic.ja3_server);
    jw_str(&w, "alpn", f->protos.tls_quic.alpn);
    jw_str(&w, "tls_supported_versions", f->protos.tls_quic.tls_supported_versions);
    if (f->protos.tls_quic.server_cipher) jw_str(&w, "cipher", ndpi_cipher2str(f->protos.tls_quic.server_cipher));
    jw_str(&w, "user_agent", f->http.user_agent);
    jw_str(&w, "issuer", f->protos.tls_quic.issuerDN);
    jw_str(&w, "subject", f->protos.tls_quic.subjectDN);
    jw_str(&w, "server_names", f->protos.tls_quic.server_names);
  } else if (fp_is_proto(p, NDPI_PROTOCOL_DHCP)) {
    jw_str(&w, "dhcp_fingerprint", f->protos.dhcp.fingerprint);
    jw_str(&w, "dhcp_class_ident", f->protos.dhcp.class_ident);
  } else if (fp_is_proto(p, NDPI_PROTOCOL_FTP_CONTROL) || fp_is_proto(p, NDPI_PROTOCOL_MAIL_IMAP) ||
             fp_is_proto(p, NDPI_PROTOCOL_MAIL_POP) || fp_is_proto(p, NDPI_PROTOCOL_MAIL_SMTP)) {
    jw_str(&w, "user", f->l4.tcp.ftp_imap_pop_smtp.username);
  }
  jw_str(&w, "extra", f->flow_extra_info);
  jw_raw(&w, "}", 1);
  uint32_t il = w.pos >= w.cap ? 0 : w.pos;
  if (il == 2) il = 0; /* "{}" carries nothing */
  text[FP_NAME_BYTES] = (uint8_t)(il & 0xff);
  text[FP_NAME_BYTES + 1] = (uint8_t)(il >> 8);
}
