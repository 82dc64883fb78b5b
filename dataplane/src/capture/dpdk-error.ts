import { DataplaneError } from '../errors/dataplane-error';

/**
 * Stable codes for DPDK start-up failures. Callers and tests match on these, never on the text;
 * the message names the failing step and DPDK's reason (rte_strerror).
 */
export type DpdkErrorCode =
  /** libflowprobe_dpdk.so (or a DPDK library it links) cannot be loaded. */
  | 'DPDK_LIBRARY_MISSING'
  /** rte_eal_init failed, or EAL was already initialised with other arguments. */
  | 'DPDK_EAL_INIT'
  /** Port or queue configuration, mempool creation or port start failed. */
  | 'DPDK_PORT_SETUP'
  /** A worker thread could not register with EAL (rte_thread_register). */
  | 'DPDK_THREAD_REGISTER'
  /** Port statistics or stop/close failed. */
  | 'DPDK_PORT';

/** DPDK could not start or a port could not be used. */
export class DpdkError extends DataplaneError {
  override name = 'DpdkError';
  declare readonly code: DpdkErrorCode;

  constructor(code: DpdkErrorCode, message: string) {
    super(code, `${message} (${code})`);
  }
}
