// The router's answers: PCP, NAT-PMP and SSDP against byte layouts written out by hand from RFC 6887, RFC 6886 and
// UPnP's SSDP; the XML scanner, device descriptions and SOAP of UPnP IGD. All fuzzed: random or mutated answers may
// only fail with an AutomapError.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AutomapError, type AutomapReason } from '../../src/automap/errors.js';
import {
  UPNP_FAULTS, UpnpFault, addPortMappingRequest, deletePortMappingRequest, externalAddressOf, getExternalAddressRequest, parseDescription,
  parseSoapResponse, wantsPermanentLease,
} from '../../src/automap/igd.js';
import * as pmp from '../../src/automap/natpmp.js';
import * as pcp from '../../src/automap/pcp.js';
import { MAX_HEADERS, MAX_REPLY_BYTES, SEARCH_TARGETS, encodeSearch, parseSsdpReply } from '../../src/automap/ssdp.js';
import { XML_LIMITS, childText, escapeXml, findAll, parseXml } from '../../src/automap/xml.js';

const FUZZ = { seed: 6, numRuns: 500 };

function onlyAutomap(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof AutomapError && e.code === 'AUTOMAP')) throw e;
  }
}

function rejects(f: () => unknown, reason: AutomapReason, text?: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof AutomapError && e.reason === reason && (!text || text.test(e.message)));
}

const NONCE = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

/** A MAP response written field by field from RFC 6887 §7.2 and §11.1. */
function pcpAnswer(fields: { result?: number; lifetime?: number; nonce?: Buffer; protocol?: number; internal?: number; external?: number; address?: number[] } = {}): Buffer {
  const b = Buffer.alloc(60);
  b[0] = 2;
  b[1] = 0x81;
  b[3] = fields.result ?? 0;
  b.writeUInt32BE(fields.lifetime ?? 600, 4);
  b.writeUInt32BE(1234, 8);
  (fields.nonce ?? NONCE).copy(b, 24);
  b[36] = fields.protocol ?? 6;
  b.writeUInt16BE(fields.internal ?? 4815, 40);
  b.writeUInt16BE(fields.external ?? 4816, 42);
  Buffer.from(fields.address ?? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 11, 22, 33, 2]).copy(b, 44);
  return b;
}

const expect = { nonce: NONCE, internalPort: 4815 };

test('PCP MAP request: every field at its RFC 6887 offset', () => {
  const req = pcp.encodeMapRequest({ clientAddress: '192.168.1.20', nonce: NONCE, internalPort: 4815, suggestedExternalPort: 4815, lifetimeSec: 600 });
  assert.equal(req.length, 60);
  assert.deepEqual([...req.subarray(0, 8)], [2, 1, 0, 0, 0, 0, 0x02, 0x58]);
  assert.deepEqual([...req.subarray(8, 24)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 1, 20]);
  assert.deepEqual(req.subarray(24, 36), NONCE);
  assert.deepEqual([...req.subarray(36, 44)], [6, 0, 0, 0, 0x12, 0xcf, 0x12, 0xcf]);
  assert.deepEqual([...req.subarray(44, 60)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0]);
  assert.throws(() => pcp.encodeMapRequest({ clientAddress: '::1', nonce: NONCE, internalPort: 1, suggestedExternalPort: 1, lifetimeSec: 1 }), RangeError);
  assert.throws(() => pcp.encodeMapRequest({ clientAddress: '10.0.0.1', nonce: NONCE.subarray(1), internalPort: 1, suggestedExternalPort: 1, lifetimeSec: 1 }), RangeError);
});

test('PCP MAP response: a matching success decodes; refusals carry the result sentence', () => {
  assert.deepEqual(pcp.decodeMapResponse(pcpAnswer(), expect), { lifetimeSec: 600, epochSec: 1234, internalPort: 4815, externalPort: 4816, externalAddress: '11.22.33.2' });
  rejects(() => pcp.decodeMapResponse(pcpAnswer({ result: 8 }), expect), 'refused', /no room.*NO_RESOURCES/);
  rejects(() => pcp.decodeMapResponse(pcpAnswer({ result: 2 }).subarray(0, 24), expect), 'refused', /NOT_AUTHORIZED/);
  rejects(() => pcp.decodeMapResponse(pcpAnswer({ result: 99 }), expect), 'refused', /result code 99/);
  rejects(() => pcp.decodeMapResponse(pcpAnswer({ result: 7 }), expect), 'no-external', /NETWORK_FAILURE/);
  assert.equal(pcp.PCP_RESULTS.length, 14);
  assert.equal(pcp.PCP_RESULTS[13]?.[0], 'EXCESSIVE_REMOTE_PEERS');
  // A NAT-PMP server answers with version 0; a server of another PCP version with its UNSUPP_VERSION.
  rejects(() => pcp.decodeMapResponse(Buffer.from([0, 0x81, 0, 1, 0, 0, 0, 9]), expect), 'not-offered');
  const v1 = pcpAnswer({ result: 1 });
  v1[0] = 1;
  rejects(() => pcp.decodeMapResponse(v1, expect), 'not-offered');
});

test('PCP MAP response: anything that does not match the request is malformed', () => {
  const bad = (b: Buffer, text: RegExp): void => rejects(() => pcp.decodeMapResponse(b, expect), 'malformed', text);
  bad(pcpAnswer({ nonce: Buffer.alloc(12, 7) }), /nonce/);
  bad(pcpAnswer({ protocol: 17 }), /protocol 17/);
  bad(pcpAnswer({ internal: 4814 }), /internal port/);
  bad(pcpAnswer({ address: [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1] }), /not IPv4/);
  bad(pcpAnswer().subarray(0, 56), /too short/);
  bad(Buffer.concat([pcpAnswer(), Buffer.alloc(2)]), /multiple of 4/);
  bad(Buffer.concat([pcpAnswer(), Buffer.alloc(1044)]), /exceed 1100/);
  const request = pcpAnswer();
  request[1] = 0x01;
  bad(request, /not a MAP response/);
  const three = pcpAnswer();
  three[0] = 3;
  bad(three, /version 3/);
  // Options: a well-formed one is passed over, one that runs past the end is refused.
  const option = Buffer.from([0x80, 0, 0, 4, 1, 2, 3, 4]);
  assert.equal(pcp.decodeMapResponse(Buffer.concat([pcpAnswer(), option]), expect).externalPort, 4816);
  bad(Buffer.concat([pcpAnswer(), Buffer.from([0x80, 0, 0, 8, 1, 2, 3, 4])]), /runs past the end/);
});

test('PCP fuzz: random and mutated answers fail only with AutomapError; a changed nonce byte is always caught', () => {
  const good = pcpAnswer();
  fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), (b) => onlyAutomap(() => pcp.decodeMapResponse(Buffer.from(b), expect))), FUZZ);
  fc.assert(fc.property(fc.nat(59), fc.integer({ min: 1, max: 255 }), fc.nat(64), (at, flip, len) => {
    const b = Buffer.from(good);
    b[at] = (b[at] as number) ^ flip;
    onlyAutomap(() => pcp.decodeMapResponse(b.subarray(0, len), expect));
    if (at >= 24 && at < 36) rejects(() => pcp.decodeMapResponse(b, expect), 'malformed', /nonce/);
  }), FUZZ);
});

test('NAT-PMP requests: RFC 6886 layouts', () => {
  assert.deepEqual([...pmp.encodeAddressRequest()], [0, 0]);
  assert.deepEqual([...pmp.encodeMapRequest(4815, 4815, 600)], [0, 2, 0, 0, 0x12, 0xcf, 0x12, 0xcf, 0, 0, 0x02, 0x58]);
  assert.deepEqual([...pmp.encodeMapRequest(4815, 0, 0)], [0, 2, 0, 0, 0x12, 0xcf, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => pmp.encodeMapRequest(0, 1, 1), RangeError);
});

const pmpAddress = Buffer.from([0, 0x80, 0, 0, 0, 0, 0, 42, 11, 22, 33, 2]);
const pmpMap = Buffer.from([0, 0x82, 0, 0, 0, 0, 0, 42, 0x12, 0xcf, 0x12, 0xd0, 0, 0, 0x0e, 0x10]);

test('NAT-PMP answers: success, refusals by result code, PCP-only servers, and exact lengths', () => {
  assert.deepEqual(pmp.decodeAddressResponse(pmpAddress), { epochSec: 42, externalAddress: '11.22.33.2' });
  assert.deepEqual(pmp.decodeMapResponse(pmpMap, 4815), { epochSec: 42, internalPort: 4815, externalPort: 4816, lifetimeSec: 3600 });
  rejects(() => pmp.decodeMapResponse(Buffer.from([0, 0x82, 0, 2, 0, 0, 0, 1]), 4815), 'refused', /Not Authorized/);
  rejects(() => pmp.decodeAddressResponse(Buffer.from([0, 0x80, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0])), 'no-external', /another NAT/);
  rejects(() => pmp.decodeAddressResponse(Buffer.from([0, 0x80, 0, 9, 0, 0, 0, 1])), 'refused', /result code 9/);
  rejects(() => pmp.decodeAddressResponse(Buffer.from([0, 0x80, 0, 1, 0, 0, 0, 1])), 'not-offered');
  const pcpOnly = Buffer.alloc(24);
  pcpOnly.set([2, 0x80, 0, 1]);
  rejects(() => pmp.decodeAddressResponse(pcpOnly), 'not-offered', /does not offer NAT-PMP/);
  rejects(() => pmp.decodeMapResponse(pmpMap.subarray(0, 15), 4815), 'malformed', /15 bytes/);
  rejects(() => pmp.decodeMapResponse(Buffer.concat([pmpMap, Buffer.alloc(1)]), 4815), 'malformed', /17 bytes/);
  rejects(() => pmp.decodeMapResponse(pmpMap, 4814), 'malformed', /internal port/);
  rejects(() => pmp.decodeMapResponse(pmpAddress, 4815), 'malformed', /opcode 128/);
  rejects(() => pmp.decodeMapResponse(Buffer.from([0, 0x82, 0, 2, 0, 0, 0, 1, 0, 0]), 4815), 'malformed', /error answer of 10/);
  const v1 = Buffer.from(pmpAddress);
  v1[0] = 1;
  rejects(() => pmp.decodeAddressResponse(v1), 'malformed', /version 1/);
  assert.equal(pmp.PMP_RESULTS.length, 6);
});

test('NAT-PMP fuzz: random and mutated answers fail only with AutomapError', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
    onlyAutomap(() => pmp.decodeAddressResponse(Buffer.from(b)));
    onlyAutomap(() => pmp.decodeMapResponse(Buffer.from(b), 4815));
  }), FUZZ);
  fc.assert(fc.property(fc.nat(15), fc.integer({ min: 1, max: 255 }), fc.nat(17), (at, flip, len) => {
    const b = Buffer.from(pmpMap);
    b[at] = (b[at] as number) ^ flip;
    onlyAutomap(() => pmp.decodeMapResponse(b.subarray(0, len), 4815));
  }), FUZZ);
});

const ROUTER = '192.168.1.1';
const reply = (headers: string[], status = 'HTTP/1.1 200 OK'): Buffer => Buffer.from(`${status}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1');
const goodHeaders = ['CACHE-CONTROL: max-age=120', 'ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1', 'USN: uuid:x::urn:schemas-upnp-org:device:InternetGatewayDevice:1', 'EXT:', 'SERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3', `LOCATION: http://${ROUTER}:5000/rootDesc.xml`];

test('SSDP: M-SEARCH text and a strict reply parser', () => {
  assert.equal(encodeSearch(SEARCH_TARGETS[0]).toString(), 'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n');
  assert.deepEqual(parseSsdpReply(reply(goodHeaders), ROUTER), { location: `http://${ROUTER}:5000/rootDesc.xml`, st: SEARCH_TARGETS[0] });
  assert.equal(parseSsdpReply(reply([`location:   http://${ROUTER}/d.xml  `, 'St: urn:schemas-upnp-org:service:WANIPConnection:2']), ROUTER).location, `http://${ROUTER}/d.xml`);
  const bad = (b: Buffer, text: RegExp): void => rejects(() => parseSsdpReply(b, ROUTER), 'malformed', text);
  bad(reply(goodHeaders.map((h) => h.replace(ROUTER, '192.168.1.66'))), /not the replying router/);
  bad(reply(goodHeaders.map((h) => h.replace('http:', 'https:'))), /not http/);
  bad(reply(goodHeaders.map((h) => h.replace(`http://${ROUTER}`, `http://u:p@${ROUTER}`))), /credentials/);
  bad(reply(goodHeaders.map((h) => h.replace('InternetGatewayDevice:1', 'MediaServer:1'))), /not searched for/);
  bad(reply(goodHeaders.filter((h) => !h.startsWith('ST'))), /missing/);
  bad(reply([...goodHeaders, `Location: http://${ROUTER}/other.xml`]), /two LOCATION/);
  bad(reply(goodHeaders, 'HTTP/1.1 404 Not Found'), /200 OK/);
  bad(reply(goodHeaders, 'NOTIFY * HTTP/1.1'), /200 OK/);
  bad(reply([...goodHeaders, ...Array.from({ length: MAX_HEADERS }, (_, i) => `X-${i}: y`)]), /more than 30 headers/);
  bad(reply([...goodHeaders, `X-Pad: ${'a'.repeat(MAX_REPLY_BYTES)}`]), /exceed 2048/);
  bad(reply([...goodHeaders, 'X-Bin: a\u0001b']), /control/);
  bad(reply([...goodHeaders, 'no colon here']), /without a name/);
  bad(Buffer.from(reply(goodHeaders).toString().replaceAll('\r\n', '\n')), /no end of headers/);
  bad(Buffer.concat([reply(goodHeaders), Buffer.from('body')]), /after the headers/);
});

test('SSDP fuzz: random and mutated replies fail only with AutomapError', () => {
  const good = reply(goodHeaders).toString('latin1');
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2100 }), (b) => onlyAutomap(() => parseSsdpReply(Buffer.from(b), ROUTER))), FUZZ);
  fc.assert(fc.property(fc.nat(good.length - 1), fc.string({ maxLength: 4 }), (at, ins) => {
    onlyAutomap(() => parseSsdpReply(Buffer.from(good.slice(0, at) + ins + good.slice(at + 1), 'latin1'), ROUTER));
  }), FUZZ);
});

test('XML: elements by local name, text with entities, CDATA, comments and processing instructions', () => {
  const root = parseXml('\ufeff<?xml version="1.0"?>\n<!-- c --><a:root xmlns:a="urn:x" b=\'1 &amp; 2\'>\n <a:x>1 &lt; 2 &#65;&#x42;</a:x><y/><z><![CDATA[<raw>&]]></z><?pi x?><!-- in --></a:root>\n');
  assert.equal(root.name, 'root');
  assert.deepEqual(root.children.map((c) => c.name), ['x', 'y', 'z']);
  assert.equal(childText(root, 'x'), '1 < 2 AB');
  assert.equal(childText(root, 'z'), '<raw>&');
  assert.equal(childText(root, 'missing'), undefined);
  assert.equal(findAll(parseXml('<a><b><b/></b><c><b/></c></a>'), 'b').length, 3);
  assert.equal(escapeXml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
});

test('XML: no DTD, no unknown entities, bounded depth, count and size, well-formed only', () => {
  const bad = (xml: string, text: RegExp): void => rejects(() => parseXml(xml), 'malformed', text);
  bad('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /no DTD/);
  bad('<a><!DOCTYPE a></a>', /no DTD/);
  bad('<a>&x;</a>', /unknown entity/);
  bad('<a>a & b</a>', /bare &/);
  bad('<a b="&x;"/>', /unknown entity/);
  bad('<a>&#0;</a>', /character reference 0/);
  bad('<a>&#xD800;</a>', /character reference/);
  bad(`${'<a>'.repeat(XML_LIMITS.maxDepth + 1)}${'</a>'.repeat(XML_LIMITS.maxDepth + 1)}`, /deeper than 16/);
  assert.equal(parseXml(`${'<a>'.repeat(XML_LIMITS.maxDepth)}${'</a>'.repeat(XML_LIMITS.maxDepth)}`).name, 'a');
  bad(`<a>${'<b/>'.repeat(XML_LIMITS.maxElements)}</a>`, /more than 2000 elements/);
  bad(`<a>${' '.repeat(XML_LIMITS.maxChars)}</a>`, /exceed/);
  bad('<a><b></a></b>', /does not close/);
  bad('<a>', /not closed/);
  bad('<a/><b/>', /after the root/);
  bad('text<a/>', /no root element/);
  bad('<a b=c/>', /malformed start tag/);
  bad('<a>]]></a>', /"]]>"/);
  bad('<a><!-- never closed</a>', /unterminated comment/);
  bad('<1a/>', /name expected/);
});

const LOCATION = 'http://192.168.1.1:5000/rootDesc.xml';
function description(services: string, urlBase = ''): string {
  return `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>1</minor></specVersion>${urlBase}
<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType><deviceList>
<device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType><deviceList>
<device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType><serviceList>${services}</serviceList></device>
</deviceList></device></deviceList></device></root>`;
}
const service = (type: string, control: string): string => `<service><serviceType>urn:schemas-upnp-org:service:${type}</serviceType><serviceId>x</serviceId><controlURL>${control}</controlURL><eventSubURL>/e</eventSubURL><SCPDURL>/s.xml</SCPDURL></service>`;

test('device description: the best WAN connection service, its control URL resolved and kept on the router', () => {
  assert.deepEqual(parseDescription(description(service('WANIPConnection:1', '/ctl/IPConn')), LOCATION),
    { serviceType: 'urn:schemas-upnp-org:service:WANIPConnection:1', controlUrl: 'http://192.168.1.1:5000/ctl/IPConn' });
  const both = description(service('WANPPPConnection:1', '/ppp') + service('WANIPConnection:1', '/ip1') + service('WANIPConnection:2', '/ip2'));
  assert.equal(parseDescription(both, LOCATION).controlUrl, 'http://192.168.1.1:5000/ip2');
  assert.equal(parseDescription(description(service('WANPPPConnection:1', 'ppp')), LOCATION).controlUrl, 'http://192.168.1.1:5000/ppp');
  assert.equal(parseDescription(description(service('WANIPConnection:1', 'c'), '<URLBase>http://192.168.1.1:49152/base/</URLBase>'), LOCATION).controlUrl, 'http://192.168.1.1:49152/base/c');
  rejects(() => parseDescription(description(service('WANIPConnection:1', 'http://10.9.9.9/c')), LOCATION), 'malformed', /not the router/);
  rejects(() => parseDescription(description(service('WANIPConnection:1', 'c'), '<URLBase>http://10.9.9.9/</URLBase>'), LOCATION), 'malformed', /URLBase/);
  rejects(() => parseDescription(description(service('WANIPConnection:1', 'ftp://192.168.1.1/c')), LOCATION), 'malformed', /not http/);
  rejects(() => parseDescription(description(service('WANIPConnection:1', '')), LOCATION), 'malformed', /no controlURL/);
  rejects(() => parseDescription(description(service('Layer3Forwarding:1', '/l3f')), LOCATION), 'not-offered');
  rejects(() => parseDescription('<html/>', LOCATION), 'malformed', /root element/);
});

test('SOAP requests: envelope, action header and arguments in the order of the service description', () => {
  const add = addPortMappingRequest('urn:schemas-upnp-org:service:WANIPConnection:1', 4815, '192.168.1.20', 600);
  assert.equal(add.soapAction, '"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping"');
  const action = parseXml(add.body).children[0]?.children[0];
  assert.equal(action?.name, 'AddPortMapping');
  assert.deepEqual(action?.children.map((c) => [c.name, c.text]), [
    ['NewRemoteHost', ''], ['NewExternalPort', '4815'], ['NewProtocol', 'TCP'], ['NewInternalPort', '4815'], ['NewInternalClient', '192.168.1.20'],
    ['NewEnabled', '1'], ['NewPortMappingDescription', 'MASQ Node'], ['NewLeaseDuration', '600'],
  ]);
  assert.match(add.body, /<u:AddPortMapping xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1">/);
  assert.deepEqual(parseXml(deletePortMappingRequest('urn:x', 4815).body).children[0]?.children[0]?.children.map((c) => c.text), ['', '4815', 'TCP']);
  assert.equal(getExternalAddressRequest('urn:x').soapAction, '"urn:x#GetExternalIPAddress"');
});

const envelope = (inner: string): string => `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>${inner}</s:Body></s:Envelope>`;
const fault = (code: string, description = 'x'): string => envelope(`<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${code}</errorCode><errorDescription>${description}</errorDescription></UPnPError></detail></s:Fault>`);
const ipAnswer = (ip: string): string => envelope(`<u:GetExternalIPAddressResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1"><NewExternalIPAddress>${ip}</NewExternalIPAddress></u:GetExternalIPAddressResponse>`);

test('SOAP answers: results, UPnP faults with their sentences, and the permanent-lease retry rule', () => {
  assert.equal(externalAddressOf(parseSoapResponse(200, ipAnswer(' 11.22.33.2 '), 'GetExternalIPAddress')), '11.22.33.2');
  assert.equal(parseSoapResponse(200, envelope('<u:AddPortMappingResponse xmlns:u="urn:x"/>'), 'AddPortMapping').size, 0);
  rejects(() => externalAddressOf(parseSoapResponse(200, ipAnswer(''), 'GetExternalIPAddress')), 'no-external', /no external address/);
  rejects(() => externalAddressOf(parseSoapResponse(200, ipAnswer('0.0.0.0'), 'GetExternalIPAddress')), 'no-external');
  rejects(() => externalAddressOf(parseSoapResponse(200, ipAnswer('not-an-ip'), 'GetExternalIPAddress')), 'malformed');
  rejects(() => externalAddressOf(parseSoapResponse(200, envelope('<u:GetExternalIPAddressResponse/>'), 'GetExternalIPAddress')), 'malformed', /no NewExternalIPAddress/);
  const caught = (xml: string): UpnpFault => {
    try {
      parseSoapResponse(500, xml, 'AddPortMapping');
    } catch (e) {
      if (e instanceof UpnpFault) return e;
      throw e;
    }
    throw new Error('no fault');
  };
  const permanentOnly = caught(fault('725', 'OnlyPermanentLeasesSupported'));
  assert.equal(permanentOnly.upnpCode, 725);
  assert.equal(permanentOnly.reason, 'refused');
  assert.match(permanentOnly.message, /only grants permanent mappings/);
  assert.equal(wantsPermanentLease(permanentOnly, 600), true);
  assert.equal(wantsPermanentLease(caught(fault('402')), 600), true);
  assert.equal(wantsPermanentLease(caught(fault('402')), 0), false);
  assert.equal(wantsPermanentLease(caught(fault('718')), 600), false);
  assert.match(caught(fault('718')).message, /Another device already holds/);
  assert.match(caught(fault('999', 'Weird')).message, /UPnP error 999 "Weird"/);
  assert.equal(UPNP_FAULTS.size, 11);
  rejects(() => parseSoapResponse(500, fault('abc'), 'AddPortMapping'), 'malformed', /numeric errorCode/);
  rejects(() => parseSoapResponse(200, fault('725'), 'AddPortMapping'), 'malformed', /status 200/);
  rejects(() => parseSoapResponse(500, ipAnswer('1.2.3.4'), 'GetExternalIPAddress'), 'malformed');
  rejects(() => parseSoapResponse(200, ipAnswer('1.2.3.4'), 'AddPortMapping'), 'malformed', /does not answer AddPortMapping/);
  rejects(() => parseSoapResponse(404, ipAnswer('1.2.3.4'), 'GetExternalIPAddress'), 'malformed', /HTTP status 404/);
  rejects(() => parseSoapResponse(200, '<x/>', 'GetExternalIPAddress'), 'malformed', /root element/);
  rejects(() => parseSoapResponse(200, envelope(''), 'GetExternalIPAddress'), 'malformed', /exactly one/);
});

test('XML, description and SOAP fuzz: random and mutated documents fail only with AutomapError', () => {
  const desc = description(service('WANIPConnection:1', '/ctl/IPConn'));
  const answers = [ipAnswer('11.22.33.2'), fault('725')];
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
    onlyAutomap(() => parseXml(s));
    onlyAutomap(() => parseDescription(s, LOCATION));
    onlyAutomap(() => parseSoapResponse(200, s, 'GetExternalIPAddress'));
  }), FUZZ);
  const mutate = (doc: string) => fc.tuple(fc.nat(doc.length - 1), fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('<', '>', '&', '/', '"', '<!', ']]>')));
  fc.assert(fc.property(mutate(desc), ([at, ins]) => onlyAutomap(() => parseDescription(desc.slice(0, at) + ins + desc.slice(at + 1), LOCATION))), FUZZ);
  for (const answer of answers) {
    fc.assert(fc.property(mutate(answer), fc.constantFrom(200, 500), ([at, ins], status) => {
      onlyAutomap(() => externalAddressOf(parseSoapResponse(status, answer.slice(0, at) + ins + answer.slice(at + 1), 'GetExternalIPAddress')));
    }), FUZZ);
  }
});
