/**
 * What each nDPI 4.2 flow risk means, in a sentence an admin can act on
 * (nDPI's own names as `fp_ndpi_risk_name` gives them; wording after nDPI's
 * and ntopng's flow risk documentation). A risk missing here (a newer nDPI)
 * still shows, with a generic explanation.
 */
const EXPLANATIONS: Record<string, string> = {
  'XSS Attack': 'An HTTP request carries what looks like a cross-site scripting payload.',
  'SQL Injection': 'An HTTP request carries what looks like an SQL injection payload.',
  'Arbitrary Code Injection': 'An HTTP request carries what looks like code to be executed by the server.',
  'Binary Application Transfer': 'A binary executable (e.g. a Windows .exe) was downloaded over HTTP.',
  'Known Protocol on Non Standard Port': 'A well-known protocol runs on a port other than its usual one: a service hidden on another port, or a tunnel.',
  'Self-signed Certificate': 'The TLS server presented a certificate signed by itself, not by a certificate authority.',
  'Obsolete TLS Version (1.1 or older)': 'The TLS session uses version 1.1 or older, deprecated for known weaknesses (RFC 8996).',
  'Weak TLS Cipher': 'The TLS session negotiated a cipher considered weak or insecure.',
  'TLS Expired Certificate': 'The TLS server certificate has expired.',
  'TLS Certificate Mismatch': 'The TLS server certificate does not name the server the client asked for (SNI).',
  'HTTP Suspicious User-Agent': 'The HTTP User-Agent is empty, unusual or known to belong to malware or scanners.',
  'HTTP Numeric IP Address': 'The HTTP Host is a numeric IP address rather than a name, common with malware and scripts.',
  'HTTP Suspicious URL': 'The HTTP URL looks suspicious (e.g. an executable or script path).',
  'HTTP Suspicious Header': 'The HTTP request carries an unusual or suspicious header.',
  'TLS (probably) Not Carrying HTTPS': 'TLS on port 443 that does not look like HTTPS: possibly a VPN or tunnel.',
  'Suspicious DGA Domain name': 'The domain name looks algorithmically generated (DGA), as malware uses to find its command servers.',
  'Malformed Packet': 'A packet of the flow does not follow its protocol\'s format.',
  'SSH Obsolete Client Version/Cipher': 'The SSH client uses an obsolete version or a weak cipher.',
  'SSH Obsolete Server Version/Cipher': 'The SSH server uses an obsolete version or a weak cipher.',
  'SMB Insecure Version': 'SMBv1 is in use: insecure and exploited by worms such as WannaCry.',
  'TLS Suspicious ESNI Usage': 'Encrypted SNI is used in an unusual way, possibly to hide the server name.',
  'Unsafe Protocol': 'The protocol sends data, possibly credentials, without protection (e.g. Telnet, FTP, plain HTTP login).',
  'Suspicious DNS Traffic': 'DNS traffic with unusual properties (long names, odd record types): possibly DNS tunnelling.',
  'Missing SNI TLS Extension': 'The TLS client did not say which server it wants (no SNI), unusual for browsers.',
  'HTTP Suspicious Content': 'The HTTP content does not match what its headers announce.',
  'Risky ASN': 'The remote address belongs to an autonomous system listed as risky.',
  'Risky Domain Name': 'The server name is listed as a risky domain.',
  'Possibly Malicious JA3 Fingerprint': 'The TLS client fingerprint (JA3) matches one known for malware.',
  'Possibly Malicious SSL Cert. SHA1 Fingerprint': 'The TLS certificate fingerprint matches one known for malware.',
  'Desktop/File Sharing Session': 'A remote desktop or file sharing session (e.g. RDP, VNC, TeamViewer).',
  'Uncommon TLS ALPN': 'The TLS client asked for an application protocol (ALPN) that is rarely seen.',
  'TLS Certificate Validity Too Long': 'The TLS certificate is valid for longer than browsers accept (over 13 months).',
  'TLS Suspicious Extension': 'The TLS handshake carries an unusual extension.',
  'TLS Fatal Alert': 'A TLS peer ended the handshake with a fatal alert.',
  'Suspicious Entropy': 'The payload\'s entropy does not fit the protocol (e.g. encrypted data where clear text is expected).',
  'Clear-Text Credentials': 'A user name and password crossed the network in clear text.',
  'DNS Packet Larger Than 512 bytes': 'A DNS message over UDP larger than 512 bytes: possible amplification or tunnelling.',
  'DNS Fragmented': 'A fragmented DNS message, unusual and used in some attacks.',
  'Invalid Characters Detected': 'A protocol field (host name, user agent...) holds characters it should not.',
  'Possible Exploit Detected': 'The traffic matches a known exploit attempt (e.g. Log4Shell).',
  'TLS Certificate About To Expire': 'The TLS server certificate expires soon.',
  'Punycode/IDN Domain': 'The domain name uses Punycode (internationalised), sometimes used for look-alike phishing names.',
  'Error Code Detected': 'The application answered with an error code (e.g. HTTP 4xx/5xx, DNS NXDOMAIN).',
  'Crawler/Bot': 'The client identifies as, or behaves like, a crawler or bot.',
  'Anonymous Subscriber': 'The remote address belongs to an anonymising service (VPN, Tor, proxy).',
  'Unidirectional Traffic': 'Traffic flows one way only: the other side never answered.',
  'HTTP Obsolete Server': 'The HTTP server announces an obsolete software version.',
  'Periodic Flow': 'The flow repeats at a regular interval, as beacons to a command server do.',
  'Minor Issues': 'Small protocol oddities nDPI noticed, not dangerous on their own.',
  'TCP Connection Issues': 'The TCP connection had problems (resets, retransmissions, refused).',
};

/** A flow risk with its explanation. */
export interface FlowRiskExplained {
  name: string;
  explanation: string;
}

/** The risks of a flow with what each means. */
export function explainRisks(risks: readonly string[]): FlowRiskExplained[] {
  return risks.map((name) => ({ name, explanation: EXPLANATIONS[name] ?? 'A flow risk nDPI reported; see the nDPI flow risk documentation.' }));
}

/** TCP flag names of a flags byte, in the order an admin reads them: SYN, ACK, PSH, FIN, RST, URG, ECE, CWR. */
export function tcpFlagNames(flags: number): string[] {
  const names: [number, string][] = [[0x02, 'SYN'], [0x10, 'ACK'], [0x08, 'PSH'], [0x01, 'FIN'], [0x04, 'RST'], [0x20, 'URG'], [0x40, 'ECE'], [0x80, 'CWR']];
  return names.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}
