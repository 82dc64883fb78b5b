/* shim_rx_burst(): receive a burst and copy it into the caller's PacketBurst arrays. See shim.h. */
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include "shim.h"
#include "shim-port.h"

/* net_pcap stores microseconds (DPDK <= 22.11, pcap_open_offline) or nanoseconds (later
 * releases) in the same field. Any time after 1973 is above 1e17 in ns and below it in us
 * until the year 5138, so the magnitude tells the unit. */
static inline double dynfield_ts_to_s(uint64_t v)
{
	return v >= 100000000000000000ULL ? (double)v * 1e-9 : (double)v * 1e-6;
}

int shim_rx_burst(uint16_t port, uint16_t queue, double *ts_s, uint32_t *offset,
		  uint32_t *caplen, uint32_t *wirelen, uint8_t *data,
		  uint32_t data_bytes, uint32_t snaplen, uint32_t max)
{
	struct rte_mbuf *bufs[SHIM_MAX_BURST];
	const struct shim_port *sp = &shim_ports[port];
	struct shim_stash *st;
	uint32_t n = 0;

	if (snaplen == 0 || sp->stash == NULL || queue >= sp->rx_queues)
		return 0;
	st = &sp->stash[queue];
	if (max > SHIM_MAX_BURST)
		max = SHIM_MAX_BURST;
	/* Frames left over by the previous call (its data buffer was full) come first, in order. */
	if (st->count > 0) {
		n = st->count < max ? st->count : max;
		memcpy(bufs, st->m, n * sizeof(bufs[0]));
		st->count -= n;
		memmove(st->m, st->m + n, st->count * sizeof(st->m[0]));
	}
	if (n < max)
		n += rte_eth_rx_burst(port, queue, bufs + n, (uint16_t)(max - n));
	if (n == 0)
		return 0;

	double now_s = 0;
	if (!sp->ts_enabled) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		now_s = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	}
	uint32_t pos = 0;
	uint32_t i;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = bufs[i];
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(bufs[i + 1], void *));
		uint32_t len = rte_pktmbuf_pkt_len(m);
		uint32_t cap = len < snaplen ? len : snaplen;
		if (pos + cap > data_bytes) {
			if (i > 0) {
				/* No room: keep the rest, in order, ahead of anything still stashed, for the
				 * next call. Nothing is dropped. (They fit: either they came from the stash,
				 * or the stash was empty before this call.) */
				uint32_t rest = n - i;
				memmove(st->m + rest, st->m, st->count * sizeof(st->m[0]));
				memcpy(st->m, bufs + i, rest * sizeof(bufs[0]));
				st->count += rest;
				break;
			}
			cap = data_bytes; /* one frame larger than the whole buffer: keep what fits */
		}
		/* Reads across segments of a chained mbuf; returns a pointer into the mbuf
		 * when the bytes are contiguous, else copies them into data + pos. */
		const void *p = rte_pktmbuf_read(m, 0, cap, data + pos);
		if (p == NULL)
			cap = 0; /* pkt_len larger than the chain: a PMD bug, keep the record empty */
		else if (p != data + pos)
			rte_memcpy(data + pos, p, cap);
		offset[i] = pos;
		caplen[i] = cap;
		wirelen[i] = len;
		if (sp->ts_enabled && (m->ol_flags & sp->ts_flag))
			ts_s[i] = dynfield_ts_to_s(*RTE_MBUF_DYNFIELD(m, sp->ts_offset, rte_mbuf_timestamp_t *));
		else
			ts_s[i] = now_s;
		pos += cap;
	}
	rte_pktmbuf_free_bulk(bufs, i);
	return (int)i;
}
