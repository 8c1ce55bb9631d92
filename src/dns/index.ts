// DNS: masq-dns-utility (make this machine the system's DNS server and give the settings back) and the entry DNS
// server's codec and UDP socket (every name answered with the Node's address). docs/DNS.md explains both.

export { ANSWER_TTL, type AnswerAddresses, answerQuery, checkAddresses, CLASS_IN, HEADER_BYTES, MAX_QUERY_BYTES, parseQuery, type Query, RCODE, refuseQuery, TYPE } from './codec.js';
export { type EntryDns, type EntryDnsOptions, startEntryDns } from './entry-server.js';
export { type DnsIo, type DnsPaths, type DnsSystem, dnsUsage, runDnsUtility, SYSTEM_DNS_PATHS, VERBS } from './utility.js';
