/* See shim.h for the contract. Follows DPDK's examples/skeleton port_init(). */
#include "shim.h"
#include "shim-port.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>

/* Per-lcore mempool cache; must stay <= RTE_MEMPOOL_CACHE_MAX_SIZE and well under the pool size. */
#define SHIM_MEMPOOL_CACHE 256
/* Symmetric Toeplitz key: 0x6d5a repeated gives the same hash for (a,b) and (b,a),
 * so both directions of a flow land on one queue (Woo & Park, "Scalable TCP session
 * monitoring with symmetric receive-side scaling"). 52 bytes covers every PMD key size
 * we know (40 for ixgbe/i40e, 52 for ice/i40e extended). */
#define SHIM_RSS_KEY_MAX 52

static __thread char last_error[512];

struct shim_port shim_ports[RTE_MAX_ETHPORTS];
static uint8_t rss_key[SHIM_RSS_KEY_MAX];

static int fail(int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return rc;
}

static void free_stash(struct shim_port *sp)
{
	if (sp->stash == NULL)
		return;
	for (uint16_t q = 0; q < sp->rx_queues; q++)
		rte_pktmbuf_free_bulk(sp->stash[q].m, sp->stash[q].count);
	free(sp->stash);
	sp->stash = NULL;
}

const char *shim_last_error(void)
{
	return last_error;
}

int shim_eal_init(int argc, const char **argv)
{
	/* rte_eal_init() permutes and keeps pointers into argv: give it a private copy
	 * that lives as long as the process (EAL is initialised once). */
	char **copy = calloc((size_t)argc + 1, sizeof(char *));
	if (copy == NULL)
		return fail(-1, "EAL init: out of memory copying %d arguments", argc);
	for (int i = 0; i < argc; i++) {
		copy[i] = strdup(argv[i]);
		if (copy[i] == NULL)
			return fail(-1, "EAL init: out of memory copying arguments");
	}
	int rc = rte_eal_init(argc, copy);
	if (rc < 0)
		return fail(-1, "EAL init (rte_eal_init) failed: %s (rte_errno %d)",
			    rte_strerror(rte_errno), rte_errno);
	for (unsigned i = 0; i < sizeof(rss_key); i += 2) {
		rss_key[i] = 0x6d;
		rss_key[i + 1] = 0x5a;
	}
	return rc;
}

int shim_eal_cleanup(void)
{
	int rc = rte_eal_cleanup();
	if (rc < 0)
		return fail(rc, "EAL cleanup (rte_eal_cleanup) failed: %s", rte_strerror(-rc));
	return 0;
}

int shim_port_count(void)
{
	return rte_eth_dev_count_avail();
}

const char *shim_port_driver(uint16_t port)
{
	static __thread char name[64];
	struct rte_eth_dev_info info;
	if (!rte_eth_dev_is_valid_port(port) || rte_eth_dev_info_get(port, &info) != 0)
		return "";
	snprintf(name, sizeof(name), "%s", info.driver_name);
	return name;
}

int shim_port_setup(uint16_t port, uint16_t rx_queues, uint32_t mbufs_per_queue,
		    uint16_t mbuf_data_room, uint16_t rx_descriptors, uint32_t flags)
{
	struct shim_port *sp;
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	int rc;

	if (!rte_eth_dev_is_valid_port(port))
		return fail(-1, "port %u setup: no such port (%u ports available; check the --vdev/PCI EAL arguments)",
			    port, rte_eth_dev_count_avail());
	if (rx_queues == 0)
		return fail(-1, "port %u setup: at least one RX queue is needed", port);
	sp = &shim_ports[port];
	free_stash(sp);
	memset(sp, 0, sizeof(*sp));
	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0)
		return fail(-1, "port %u setup: rte_eth_dev_info_get failed: %s", port, rte_strerror(-rc));
	sp->max_rx_queues = info.max_rx_queues;
	if (rx_queues > info.max_rx_queues)
		return fail(-1, "port %u setup: %u RX queues requested, driver %s supports %u",
			    port, rx_queues, info.driver_name, info.max_rx_queues);

	memset(&conf, 0, sizeof(conf));
	sp->rss_offloads = info.flow_type_rss_offloads;
	if (rx_queues > 1 && info.flow_type_rss_offloads != 0) {
		uint8_t key_len = info.hash_key_size ? info.hash_key_size : 40;
		if (key_len > SHIM_RSS_KEY_MAX)
			key_len = SHIM_RSS_KEY_MAX;
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = rss_key;
		conf.rx_adv_conf.rss_conf.rss_key_len = key_len;
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
		sp->rss_enabled = 1;
		sp->rss_key_bytes = key_len;
	}
	sp->ts_capa = (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP) != 0;
	if ((flags & SHIM_F_PMD_TIMESTAMP) && sp->ts_capa)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	/* Frames larger than one mbuf are chained when the PMD can (shim_rx_burst reads chains). */
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
		sp->scatter = 1;
	}

	/* Capture needs no TX; some PMDs refuse a port without a TX queue, so retry with one. */
	sp->tx_queues = 0;
	rc = rte_eth_dev_configure(port, rx_queues, 0, &conf);
	if (rc != 0) {
		sp->tx_queues = 1;
		rc = rte_eth_dev_configure(port, rx_queues, 1, &conf);
	}
	if (rc != 0)
		return fail(-1, "port %u setup: rte_eth_dev_configure(%u rx, %u tx) failed: %s",
			    port, rx_queues, sp->tx_queues, rte_strerror(-rc));

	uint16_t nb_rxd = rx_descriptors, nb_txd = 512;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (rc != 0)
		return fail(-1, "port %u setup: rte_eth_dev_adjust_nb_rx_tx_desc failed: %s",
			    port, rte_strerror(-rc));

	int socket = rte_eth_dev_socket_id(port);
	if (socket < 0)
		socket = SOCKET_ID_ANY;
	struct rte_eth_rxconf rxconf = info.default_rxconf;
	rxconf.offloads = conf.rxmode.offloads;
	for (uint16_t q = 0; q < rx_queues; q++) {
		char name[RTE_MEMPOOL_NAMESIZE];
		snprintf(name, sizeof(name), "fp_rx_p%u_q%u", port, q);
		unsigned cache = mbufs_per_queue >= 4 * SHIM_MEMPOOL_CACHE ? SHIM_MEMPOOL_CACHE : 0;
		struct rte_mempool *pool = rte_mempool_lookup(name);
		if (pool == NULL)
			pool = rte_pktmbuf_pool_create(name, mbufs_per_queue, cache, 0,
						       (uint16_t)(mbuf_data_room + RTE_PKTMBUF_HEADROOM), socket);
		if (pool == NULL)
			return fail(-1, "port %u queue %u setup: mbuf pool of %u x %u bytes failed: %s (raise EAL -m)",
				    port, q, mbufs_per_queue, mbuf_data_room, rte_strerror(rte_errno));
		rc = rte_eth_rx_queue_setup(port, q, nb_rxd, socket, &rxconf, pool);
		if (rc != 0)
			return fail(-1, "port %u queue %u setup: rte_eth_rx_queue_setup failed: %s",
				    port, q, rte_strerror(-rc));
	}
	for (uint16_t q = 0; q < sp->tx_queues; q++) {
		rc = rte_eth_tx_queue_setup(port, q, nb_txd, socket, NULL);
		if (rc != 0)
			return fail(-1, "port %u setup: rte_eth_tx_queue_setup failed: %s", port, rte_strerror(-rc));
	}
	rc = rte_eth_dev_start(port);
	if (rc != 0)
		return fail(-1, "port %u start: rte_eth_dev_start failed: %s", port, rte_strerror(-rc));
	/* A probe sees every frame on the wire, not only those for its MAC. Virtual PMDs may not
	 * support it (ENOTSUP), which is harmless. */
	rte_eth_promiscuous_enable(port);

	sp->stash = calloc(rx_queues, sizeof(struct shim_stash));
	if (sp->stash == NULL)
		return fail(-1, "port %u setup: out of memory for %u queue stashes", port, rx_queues);
	sp->rx_queues = rx_queues;
	sp->data_room = mbuf_data_room;
	sp->mbufs = mbufs_per_queue;
	/* net_pcap in DPDK 22.11 stamps every mbuf with the file's time without advertising
	 * RTE_ETH_RX_OFFLOAD_TIMESTAMP, so look the field up whenever the caller asks for PMD
	 * timestamps; shim_rx_burst() still checks the per-mbuf flag before trusting it. */
	if (flags & SHIM_F_PMD_TIMESTAMP) {
		sp->ts_offset = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
		int bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);
		if (sp->ts_offset >= 0 && bit >= 0) {
			sp->ts_flag = 1ULL << bit;
			sp->ts_enabled = 1;
		}
	}
	return 0;
}

int shim_port_info(uint16_t port, uint32_t *out, uint32_t n)
{
	if (!rte_eth_dev_is_valid_port(port))
		return fail(-1, "port %u info: no such port", port);
	const struct shim_port *sp = &shim_ports[port];
	uint32_t v[SHIM_INFO_COUNT] = {
		[SHIM_INFO_RX_QUEUES] = sp->rx_queues,
		[SHIM_INFO_TX_QUEUES] = sp->tx_queues,
		[SHIM_INFO_MAX_RX_QUEUES] = sp->max_rx_queues,
		[SHIM_INFO_RSS_OFFLOADS_LO] = (uint32_t)sp->rss_offloads,
		[SHIM_INFO_RSS_OFFLOADS_HI] = (uint32_t)(sp->rss_offloads >> 32),
		[SHIM_INFO_RSS_ENABLED] = sp->rss_enabled,
		[SHIM_INFO_RSS_KEY_BYTES] = sp->rss_key_bytes,
		[SHIM_INFO_TIMESTAMP_CAPA] = sp->ts_capa,
		[SHIM_INFO_TIMESTAMP_ENABLED] = sp->ts_enabled,
		[SHIM_INFO_SCATTER_ENABLED] = sp->scatter,
		[SHIM_INFO_MBUF_DATA_ROOM] = sp->data_room,
		[SHIM_INFO_MBUFS_PER_QUEUE] = sp->mbufs,
	};
	uint32_t count = n < SHIM_INFO_COUNT ? n : SHIM_INFO_COUNT;
	memcpy(out, v, count * sizeof(uint32_t));
	return (int)count;
}

int shim_port_stats(uint16_t port, double *out, uint32_t n)
{
	struct rte_eth_stats st;
	int rc = rte_eth_stats_get(port, &st);
	if (rc != 0)
		return fail(-1, "port %u stats: rte_eth_stats_get failed: %s", port, rte_strerror(-rc));
	uint32_t queues = shim_ports[port].rx_queues;
	if (queues > RTE_ETHDEV_QUEUE_STAT_CNTRS)
		queues = RTE_ETHDEV_QUEUE_STAT_CNTRS;
	if (n < SHIM_STATS_PORT_FIELDS + SHIM_STATS_QUEUE_FIELDS * queues)
		return fail(-1, "port %u stats: output array too small", port);
	/* Doubles are exact up to 2^53 packets: centuries at line rate. */
	out[0] = (double)st.ipackets;
	out[1] = (double)st.ibytes;
	out[2] = (double)st.imissed;
	out[3] = (double)st.ierrors;
	out[4] = (double)st.rx_nombuf;
	for (uint32_t q = 0; q < queues; q++) {
		out[SHIM_STATS_PORT_FIELDS + q * SHIM_STATS_QUEUE_FIELDS] = (double)st.q_ipackets[q];
		out[SHIM_STATS_PORT_FIELDS + q * SHIM_STATS_QUEUE_FIELDS + 1] = (double)st.q_ibytes[q];
		out[SHIM_STATS_PORT_FIELDS + q * SHIM_STATS_QUEUE_FIELDS + 2] = (double)st.q_errors[q];
	}
	return (int)queues;
}

int shim_port_stop(uint16_t port)
{
	free_stash(&shim_ports[port]); /* the workers have stopped: give stashed mbufs back before the pools go */
	int rc = rte_eth_dev_stop(port);
	if (rc != 0)
		return fail(-1, "port %u stop: rte_eth_dev_stop failed: %s", port, rte_strerror(-rc));
	return 0;
}

int shim_port_close(uint16_t port)
{
	int rc = rte_eth_dev_close(port);
	if (rc != 0)
		return fail(-1, "port %u close: rte_eth_dev_close failed: %s", port, rte_strerror(-rc));
	/* The pools are not freed: a port set up again reuses them by name (rte_mempool_lookup). */
	free_stash(&shim_ports[port]);
	memset(&shim_ports[port], 0, sizeof(shim_ports[port]));
	return 0;
}

/* Set when shim_thread_register() registered this thread, so that unregister never releases
 * an lcore EAL owns (the main lcore, or a thread registered by someone else). */
static __thread int registered_here;

int shim_thread_register(void)
{
	if (rte_lcore_id() != LCORE_ID_ANY)
		return (int)rte_lcore_id();
	if (rte_thread_register() != 0)
		return fail(-1, "worker thread: rte_thread_register failed: %s (all %d lcore ids in use?)",
			    rte_strerror(rte_errno), RTE_MAX_LCORE);
	registered_here = 1;
	return (int)rte_lcore_id();
}

void shim_thread_unregister(void)
{
	if (registered_here) {
		rte_thread_unregister();
		registered_here = 0;
	}
}

const char *shim_port_name(uint16_t port)
{
	static __thread char name[RTE_ETH_NAME_MAX_LEN];
	if (rte_eth_dev_get_name_by_port(port, name) != 0)
		name[0] = 0;
	return name;
}
