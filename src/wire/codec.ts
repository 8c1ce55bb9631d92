// The one shape of a wire codec, so a caller names what it encodes (cellCodec, gossipCodec, …) and a compatible
// codec for the same value can be put in its place.

/** encode throws a RangeError (or Error) for a value out of bounds, which is the caller's bug; decode is bounded and throws DecodeError (WIRE_DECODE) for any bytes it refuses. */
export interface Codec<T, Encoded = Buffer> {
  encode(value: T): Encoded;
  decode(bytes: Encoded): T;
}
