/**
 * The Information Elements flowprobe exports (IANA "IPFIX Information
 * Elements" registry, RFC 7012; biflow reverse elements RFC 5103).
 */

/** IPFIX protocol version in every message header (RFC 7011 §3.1). */
export const IPFIX_VERSION = 10;
/** Set ids (RFC 7011 §3.3.2). Data sets use their template id (≥ 256). */
export const TEMPLATE_SET_ID = 2;
/** First template id an exporter may use. */
export const FIRST_TEMPLATE_ID = 256;
export const MESSAGE_HEADER_BYTES = 16;
export const SET_HEADER_BYTES = 4;
/** Length value of a variable-length field in a template (RFC 7011 §7). */
export const VARIABLE_LENGTH = 0xffff;

/**
 * RFC 5103 §6.1: reverse elements are the forward ones under this private
 * enterprise number (IPFIX reverse PEN). flowprobe sends only reverse
 * octetDeltaCount (1) and packetDeltaCount (2): nfcapd 1.7.1 maps any other
 * PEN 29305 element onto the forward field of the same id.
 */
export const REVERSE_PEN = 29305;

/**
 * flowprobe's own elements. flowprobe has no IANA private enterprise number of
 * its own yet, so it defaults to 32473, the number RFC 5612 reserves for
 * documentation: no other vendor's elements live there, so no collector
 * mistakes these for something else. Configurable (`ipfix.enterprise_number`).
 */
export const FLOWPROBE_DEFAULT_PEN = 32473;
export const enum FlowprobeElement {
  /** nDPI application, as the flow list's `l7` (`TLS.YouTube`): string, variable length. */
  ApplicationName = 1,
  /** TLS/QUIC SNI, HTTP Host or DNS query: string, variable length. */
  ServerName = 2,
}

/** IANA element ids used here. */
export const enum Ie {
  OctetDeltaCount = 1,
  PacketDeltaCount = 2,
  ProtocolIdentifier = 4,
  TcpControlBits = 6,
  SourceTransportPort = 7,
  SourceIPv4Address = 8,
  IngressInterface = 10,
  DestinationTransportPort = 11,
  DestinationIPv4Address = 12,
  SourceIPv6Address = 27,
  DestinationIPv6Address = 28,
  SamplingInterval = 34,
  VlanId = 58,
  FlowEndReason = 136,
  FlowStartMilliseconds = 152,
  FlowEndMilliseconds = 153,
  BiflowDirection = 239,
}

/** flowEndReason values (RFC 7012 / IANA). */
export const enum FlowEndReasonCode {
  IdleTimeout = 1,
  ActiveTimeout = 2,
  EndOfFlow = 3,
  ForcedEnd = 4,
  LackOfResources = 5,
}

/** biflowDirection values (RFC 5103 §6.3). */
export const enum BiflowDirection {
  Arbitrary = 0,
  Initiator = 1,
  ReverseInitiator = 2,
  Perimeter = 3,
}

/** One field specifier of a template. */
export interface FieldSpec {
  id: number;
  /** Bytes, or VARIABLE_LENGTH. */
  length: number;
  /** Private enterprise number; 0 for IANA elements. */
  pen: number;
}
