// UPnP Internet Gateway Device, pure of I/O: which WAN connection service of a device description to drive and
// where, the SOAP envelopes of the three actions used, and their answers or UPnP faults.

import { isIPv4 } from 'node:net';
import { AutomapError, malformed } from './errors.js';
import { childText, escapeXml, findAll, parseXml, type XmlElement } from './xml.js';

/** Services that can map ports, best first. */
export const SERVICE_TYPES = [
  'urn:schemas-upnp-org:service:WANIPConnection:2',
  'urn:schemas-upnp-org:service:WANIPConnection:1',
  'urn:schemas-upnp-org:service:WANPPPConnection:1',
] as const;

export const MAPPING_DESCRIPTION = 'MASQ Node';

export interface IgdService {
  serviceType: string;
  /** Absolute http:// URL on the router's host. */
  controlUrl: string;
}

/** UPnP error codes of the actions used, with a sentence for users. */
export const UPNP_FAULTS: ReadonlyMap<number, readonly [name: string, sentence: string]> = new Map([
  [402, ['Invalid Args', 'The router found the request\'s arguments invalid.']],
  [501, ['Action Failed', 'The router failed to carry out the request (is its internet link down, or is it behind another NAT?).']],
  [606, ['Action not authorized', 'The router does not let this device change port mappings.']],
  [714, ['NoSuchEntryInArray', 'The router has no such mapping.']],
  [715, ['WildCardNotPermittedInSrcIP', 'The router wants a specific remote host.']],
  [716, ['WildCardNotPermittedInExtPort', 'The router wants a specific external port.']],
  [718, ['ConflictInMappingEntry', 'Another device already holds this external port on the router.']],
  [724, ['SamePortValuesRequired', 'The router wants the internal and external ports to be equal.']],
  [725, ['OnlyPermanentLeasesSupported', 'The router only grants permanent mappings.']],
  [726, ['RemoteHostOnlySupportsWildcard', 'The router only accepts any remote host.']],
  [727, ['ExternalPortOnlySupportsWildcard', 'The router only accepts any external port.']],
]);

/** A SOAP fault from the router: a refusal that carries the UPnP error code. */
export class UpnpFault extends AutomapError {
  constructor(readonly upnpCode: number, description: string) {
    const known = UPNP_FAULTS.get(upnpCode);
    const sentence = known ? `${known[1]} (UPnP ${upnpCode} ${known[0]})` : `The router refused with UPnP error ${upnpCode} "${description}".`;
    super('refused', sentence);
    this.name = 'UpnpFault';
  }
}

/** Routers that only grant permanent mappings say 725, some of them 402 (as MASQ found): ask again with lease 0. */
export function wantsPermanentLease(fault: UpnpFault, leaseSec: number): boolean {
  return fault.upnpCode === 725 || (fault.upnpCode === 402 && leaseSec !== 0);
}

function sameHostUrl(raw: string, base: string, router: string, what: string): string {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw malformed('device description', `${what} is not a URL`);
  }
  if (url.protocol !== 'http:') throw malformed('device description', `${what} is not http://`);
  if (url.hostname !== router) throw malformed('device description', `${what} points to ${url.hostname}, not the router ${router}`);
  if (url.username || url.password) throw malformed('device description', `${what} carries credentials`);
  return url.href;
}

/**
 * The best port-mapping service of a device description fetched from `location`, its control URL resolved against
 * URLBase (if any) or `location` and kept on the router's host. A description without one is `not-offered`.
 */
export function parseDescription(xml: string, location: string): IgdService {
  const router = new URL(location).hostname;
  const root = parseXml(xml);
  if (root.name !== 'root') throw malformed('device description', `root element <${root.name}>`);
  const urlBase = childText(root, 'URLBase');
  const base = urlBase ? sameHostUrl(urlBase, location, router, 'URLBase') : location;
  const services = findAll(root, 'service');
  for (const type of SERVICE_TYPES) {
    const found = services.find((s) => childText(s, 'serviceType') === type);
    if (!found) continue;
    const control = childText(found, 'controlURL');
    if (!control) throw malformed('device description', `${type} has no controlURL`);
    return { serviceType: type, controlUrl: sameHostUrl(control, base, router, 'controlURL') };
  }
  throw new AutomapError('not-offered', 'The router\'s UPnP device offers no WAN connection service that maps ports.');
}

export type SoapAction = 'GetExternalIPAddress' | 'AddPortMapping' | 'DeletePortMapping';

export interface SoapRequest {
  /** The SOAPAction header value, quotes included. */
  soapAction: string;
  body: string;
}

export function soapRequest(serviceType: string, action: SoapAction, args: ReadonlyArray<readonly [string, string | number]>): SoapRequest {
  const inner = args.map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`).join('');
  return {
    soapAction: `"${serviceType}#${action}"`,
    body: '<?xml version="1.0"?>\r\n'
      + '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">'
      + `<s:Body><u:${action} xmlns:u="${escapeXml(serviceType)}">${inner}</u:${action}></s:Body></s:Envelope>\r\n`,
  };
}

export function getExternalAddressRequest(serviceType: string): SoapRequest {
  return soapRequest(serviceType, 'GetExternalIPAddress', []);
}

/** A TCP mapping of the same port outside and inside, from any remote host. */
export function addPortMappingRequest(serviceType: string, port: number, internalClient: string, leaseSec: number): SoapRequest {
  return soapRequest(serviceType, 'AddPortMapping', [
    ['NewRemoteHost', ''],
    ['NewExternalPort', port],
    ['NewProtocol', 'TCP'],
    ['NewInternalPort', port],
    ['NewInternalClient', internalClient],
    ['NewEnabled', 1],
    ['NewPortMappingDescription', MAPPING_DESCRIPTION],
    ['NewLeaseDuration', leaseSec],
  ]);
}

export function deletePortMappingRequest(serviceType: string, port: number): SoapRequest {
  return soapRequest(serviceType, 'DeletePortMapping', [['NewRemoteHost', ''], ['NewExternalPort', port], ['NewProtocol', 'TCP']]);
}

function soapBody(xml: string): XmlElement {
  const envelope = parseXml(xml);
  if (envelope.name !== 'Envelope') throw malformed('SOAP answer', `root element <${envelope.name}>`);
  const body = envelope.children.find((c) => c.name === 'Body');
  const first = body?.children[0];
  if (!first || body.children.length !== 1) throw malformed('SOAP answer', 'a Body with exactly one element expected');
  return first;
}

function throwFault(fault: XmlElement): never {
  const error = findAll(fault, 'UPnPError')[0];
  const code = error ? childText(error, 'errorCode') : undefined;
  if (!error || !code || !/^[0-9]{1,4}$/.test(code)) throw malformed('SOAP fault', 'no UPnPError with a numeric errorCode');
  throw new UpnpFault(Number(code), (childText(error, 'errorDescription') ?? '').slice(0, 200));
}

/**
 * The output arguments of a successful action (name → trimmed text). A 500 answer must be a SOAP fault and throws
 * UpnpFault; any other status, or a body that is not the action's response, throws a malformed AutomapError.
 */
export function parseSoapResponse(status: number, xml: string, action: SoapAction): Map<string, string> {
  if (status !== 200 && status !== 500) throw malformed('SOAP answer', `HTTP status ${status}`);
  const first = soapBody(xml);
  if (first.name === 'Fault') {
    if (status !== 500) throw malformed('SOAP answer', 'a fault with status 200');
    throwFault(first);
  }
  if (status !== 200 || first.name !== `${action}Response`) throw malformed('SOAP answer', `<${first.name}> does not answer ${action}`);
  return new Map(first.children.map((c) => [c.name, c.text.trim()]));
}

/** NewExternalIPAddress of a GetExternalIPAddress answer; none (or 0.0.0.0) means the router is not connected. */
export function externalAddressOf(args: Map<string, string>): string {
  const ip = args.get('NewExternalIPAddress');
  if (ip === undefined) throw malformed('SOAP answer', 'no NewExternalIPAddress');
  if (ip === '' || ip === '0.0.0.0') throw new AutomapError('no-external', 'The router has no external address (its internet link is down, or it refuses because it is behind another NAT).');
  if (!isIPv4(ip)) throw malformed('SOAP answer', 'NewExternalIPAddress is not an IPv4 address');
  return ip;
}
