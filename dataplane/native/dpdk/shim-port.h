/* Per-port state shared by shim.c (setup, stats) and shim-rx.c (burst receive). Private to the shim. */
#ifndef FLOWPROBE_DPDK_SHIM_PORT_H
#define FLOWPROBE_DPDK_SHIM_PORT_H

#include <stdint.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "shim.h"

/* Frames received but not yet copied out because the caller's buffer was full. Only the
 * thread polling the queue touches its stash. */
struct shim_stash {
	uint32_t count;
	struct rte_mbuf *m[SHIM_MAX_BURST];
};

struct shim_port {
	uint16_t rx_queues;
	uint16_t tx_queues;
	uint16_t data_room;
	uint32_t mbufs;
	uint8_t rss_enabled;
	uint8_t rss_key_bytes;
	uint8_t ts_capa;
	uint8_t ts_enabled;
	uint8_t scatter;
	uint64_t rss_offloads;
	uint32_t max_rx_queues;
	struct shim_stash *stash; /* one per RX queue */
	int ts_offset;       /* mbuf dynfield offset of rte_mbuf_timestamp_t */
	uint64_t ts_flag;    /* ol_flags bit saying the dynfield is valid */
};

extern struct shim_port shim_ports[RTE_MAX_ETHPORTS];

#endif
