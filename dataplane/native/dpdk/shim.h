/*
 * flowprobe DPDK shim: the part of DPDK that TypeScript cannot call directly.
 *
 * rte_eth_rx_burst() is a static inline in rte_ethdev.h, so it has no symbol
 * koffi could bind; this shim wraps it together with EAL init and port setup.
 * One shim_rx_burst() call receives a burst and copies it into caller-owned
 * struct-of-arrays buffers (PacketBurst in dataplane/src/capture/packet-burst.ts),
 * so the TypeScript hot path makes one FFI call per burst and never sees an mbuf.
 *
 * Threads: shim_eal_init() and shim_port_setup() run once per process on the
 * main thread; each worker thread calls shim_thread_register() before its first
 * shim_rx_burst() and shim_thread_unregister() when it stops. A queue is polled
 * by exactly one thread.
 *
 * shim_rx_burst() copies frames while they fit in the caller's data buffer; frames that do
 * not fit stay in a per-queue stash and come first in the next call, so nothing is lost
 * whatever the snap length.
 *
 * Errors: functions return a negative value and leave a message naming the
 * failing step in a thread-local buffer read by shim_last_error().
 */
#ifndef FLOWPROBE_DPDK_SHIM_H
#define FLOWPROBE_DPDK_SHIM_H

#include <stdint.h>

/* Largest burst one shim_rx_burst() call asks the PMD for. */
#define SHIM_MAX_BURST 1024

/* shim_port_setup() flags. */
/* Use the RX timestamp the PMD writes in the mbuf dynfield when it is set (net_pcap: the
 * capture file time). Only for PMDs whose clock is Unix time; NIC clocks are not. */
#define SHIM_F_PMD_TIMESTAMP 1u

/* Indexes into the uint32 array filled by shim_port_info(). */
enum shim_port_info_index {
	SHIM_INFO_RX_QUEUES = 0,      /* RX queues configured */
	SHIM_INFO_TX_QUEUES,          /* TX queues configured (0, or 1 when the PMD needs one) */
	SHIM_INFO_MAX_RX_QUEUES,      /* the PMD's limit */
	SHIM_INFO_RSS_OFFLOADS_LO,    /* dev_info.flow_type_rss_offloads, low 32 bits (0 = no RSS) */
	SHIM_INFO_RSS_OFFLOADS_HI,
	SHIM_INFO_RSS_ENABLED,        /* 1 when RSS was configured with the symmetric key */
	SHIM_INFO_RSS_KEY_BYTES,      /* key length used */
	SHIM_INFO_TIMESTAMP_CAPA,     /* 1 when the PMD offers RTE_ETH_RX_OFFLOAD_TIMESTAMP */
	SHIM_INFO_TIMESTAMP_ENABLED,  /* 1 when timestamps come from the mbuf dynfield */
	SHIM_INFO_SCATTER_ENABLED,    /* 1 when multi-segment RX is on */
	SHIM_INFO_MBUF_DATA_ROOM,     /* bytes of data per mbuf segment */
	SHIM_INFO_MBUFS_PER_QUEUE,
	SHIM_INFO_COUNT
};

/* Number of doubles shim_port_stats() writes: 5 port counters, then 3 per queue. */
#define SHIM_STATS_PORT_FIELDS 5
#define SHIM_STATS_QUEUE_FIELDS 3

const char *shim_last_error(void);

int shim_eal_init(int argc, const char **argv);
int shim_eal_cleanup(void);
int shim_port_count(void);
const char *shim_port_driver(uint16_t port);
/* Device name, e.g. "net_pcap0" for --vdev net_pcap0,... or the PCI address. */
const char *shim_port_name(uint16_t port);

int shim_port_setup(uint16_t port, uint16_t rx_queues, uint32_t mbufs_per_queue,
		    uint16_t mbuf_data_room, uint16_t rx_descriptors, uint32_t flags);
int shim_port_info(uint16_t port, uint32_t *out, uint32_t n);
int shim_port_stats(uint16_t port, double *out, uint32_t n);
int shim_port_stop(uint16_t port);
int shim_port_close(uint16_t port);

int shim_thread_register(void);
void shim_thread_unregister(void);

int shim_rx_burst(uint16_t port, uint16_t queue, double *ts_s, uint32_t *offset,
		  uint32_t *caplen, uint32_t *wirelen, uint8_t *data,
		  uint32_t data_bytes, uint32_t snaplen, uint32_t max);

#endif
