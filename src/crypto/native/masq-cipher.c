/*
 * masq-cipher: ChaCha20 and ChaCha20-Poly1305 (RFC 8439) writing into buffers the caller owns, in place when the
 * caller passes the same buffer twice. node:crypto cannot: every update() sets up a cipher object, allocates its
 * output twice, zero-fills the second and copies into it (docs/PERFORMANCE.md), three times per cell at a relay.
 *
 * The cipher is the process's own OpenSSL (Node's, or Debian's libcrypto that Debian's node links), resolved when
 * the addon loads (built with -z now), so nothing is linked and no OpenSSL header is needed: the few EVP calls are
 * declared here as OpenSSL 1.1 and 3 define them. One cipher context per direction and per Node.js environment
 * (main thread or worker), kept for the environment's life and given a new key and nonce for each call.
 *
 * It also gives malloc's free pages back (trim): the one C library call a Node needs that Node.js does not make.
 *
 * Every symbol it imports is looked up in the node binary's large dynamic symbol table when it loads, and each
 * lookup faults in 64 KiB of it (docs/PERFORMANCE.md), so it imports few: Node-API calls LMDB's addon imports too
 * where one serves, one way to throw, no formatted messages.
 */
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;
typedef struct evp_cipher_st EVP_CIPHER;
EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void);
void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *ctx);
const EVP_CIPHER *EVP_chacha20(void);
const EVP_CIPHER *EVP_chacha20_poly1305(void);
int EVP_CipherInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, void *engine, const unsigned char *key,
                      const unsigned char *iv, int enc);
int EVP_CipherUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl);
int EVP_CipherFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl);
int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *ctx, int type, int arg, void *ptr);
#define EVP_CTRL_AEAD_GET_TAG 0x10
#define EVP_CTRL_AEAD_SET_TAG 0x11

#define KEY_BYTES 32
#define NONCE_BYTES 12
#define TAG_BYTES 16

typedef struct {
  EVP_CIPHER_CTX *stream;
  EVP_CIPHER_CTX *seal;
  EVP_CIPHER_CTX *open;
} contexts;

typedef struct {
  unsigned char *data;
  size_t length;
} bytes;

static void free_contexts(void *data) {
  contexts *c = data;
  EVP_CIPHER_CTX_free(c->stream);
  EVP_CIPHER_CTX_free(c->seal);
  EVP_CIPHER_CTX_free(c->open);
  free(c);
}

/* Bytes: a Buffer or any other view of an ArrayBuffer (its bytes); throws naming the argument and answers 0 when it
 * is not one. */
static int get_bytes(napi_env env, napi_value value, const char *message, bytes *out) {
  void *data;
  size_t length;
  if (napi_get_buffer_info(env, value, &data, &length) != napi_ok) {
    napi_throw_error(env, "ERR_INVALID_ARG_TYPE", message);
    return 0;
  }
  if (length > INT_MAX) {
    napi_throw_error(env, "ERR_OUT_OF_RANGE", "masq-cipher: a buffer is longer than a cipher call takes");
    return 0;
  }
  out->data = data;
  out->length = length;
  return 1;
}

static int expect(napi_env env, int ok, const char *message) {
  if (!ok) napi_throw_error(env, "ERR_OUT_OF_RANGE", message);
  return ok;
}

/* The output either is the input (in place) or does not overlap it: OpenSSL allows nothing in between. */
static int apart_or_same(napi_env env, const bytes *in, const unsigned char *out, size_t out_length) {
  int same = in->data == out;
  int apart = out + out_length <= in->data || in->data + in->length <= out;
  return expect(env, same || apart, "masq-cipher: the output overlaps the input without being it");
}

static int openssl(napi_env env, int ok) {
  if (!ok) napi_throw_error(env, "ERR_CRYPTO_OPERATION_FAILED", "masq-cipher: OpenSSL refused a cipher call");
  return ok;
}

static int args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, contexts **c) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, (void **)c) != napi_ok) return 0;
  if (argc < want) {
    napi_throw_error(env, "ERR_MISSING_ARGS", "masq-cipher: an argument is missing");
    return 0;
  }
  return 1;
}

static int key_and_nonce(napi_env env, napi_value *argv, bytes *key, bytes *nonce) {
  return get_bytes(env, argv[0], "masq-cipher: the key must be a Buffer", key) &&
         expect(env, key->length == KEY_BYTES, "masq-cipher: a key has 32 bytes") &&
         get_bytes(env, argv[1], "masq-cipher: the nonce must be a Buffer", nonce) &&
         expect(env, nonce->length == NONCE_BYTES, "masq-cipher: a nonce has 12 bytes");
}

/* chacha20(key, nonce, input, output): output = input XOR ChaCha20(key, nonce) from block 0. */
static napi_value chacha20(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  contexts *c;
  bytes key, nonce, in, out;
  unsigned char iv[16] = {0};
  int n;
  if (!args(env, info, 4, argv, &c) || !key_and_nonce(env, argv, &key, &nonce) || !get_bytes(env, argv[2], "masq-cipher: the input must be a Buffer", &in) ||
      !get_bytes(env, argv[3], "masq-cipher: the output must be a Buffer", &out) ||
      !expect(env, out.length >= in.length, "masq-cipher: the output is shorter than the input") ||
      !apart_or_same(env, &in, out.data, in.length))
    return NULL;
  /* OpenSSL's ChaCha20 IV: a 32-bit little-endian block counter (0), then the 96-bit nonce. */
  memcpy(iv + 4, nonce.data, NONCE_BYTES);
  if (!openssl(env, EVP_CipherInit_ex(c->stream, NULL, NULL, key.data, iv, 1))) return NULL;
  if (in.length > 0 && !openssl(env, EVP_CipherUpdate(c->stream, out.data, &n, in.data, (int)in.length))) return NULL;
  return NULL;
}

static int add_ad(napi_env env, EVP_CIPHER_CTX *ctx, napi_value value) {
  napi_valuetype type;
  bytes ad;
  int n;
  if (napi_typeof(env, value, &type) != napi_ok) return 0;
  if (type == napi_undefined || type == napi_null) return 1;
  if (!get_bytes(env, value, "masq-cipher: the associated data must be a Buffer or undefined", &ad)) return 0;
  return ad.length == 0 || openssl(env, EVP_CipherUpdate(ctx, NULL, &n, ad.data, (int)ad.length));
}

/*
 * seal(key, nonce, ad, parts, output): the parts' concatenation sealed, its ciphertext then the tag written into
 * output (exactly their length plus 16 bytes). A part may be the output's own bytes at their place (in place).
 */
static int part_at(napi_env env, napi_value parts, uint32_t i, bytes *part) {
  napi_value value;
  return napi_get_element(env, parts, i, &value) == napi_ok && get_bytes(env, value, "masq-cipher: each part must be a Buffer", part);
}

/* How many parts and how many bytes in all; throws and answers 0 unless `parts` is an array of Buffers. */
static int parts_length(napi_env env, napi_value parts, uint32_t *count, size_t *total) {
  bytes part;
  if (napi_get_array_length(env, parts, count) != napi_ok) {
    napi_throw_error(env, "ERR_INVALID_ARG_TYPE", "masq-cipher: the parts must be an array of Buffers");
    return 0;
  }
  *total = 0;
  for (uint32_t i = 0; i < *count; i++) {
    if (!part_at(env, parts, i, &part)) return 0;
    *total += part.length;
  }
  return 1;
}

static napi_value seal_parts(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  contexts *c;
  bytes key, nonce, out, part;
  uint32_t count;
  size_t total, at = 0;
  int n;
  if (!args(env, info, 5, argv, &c) || !key_and_nonce(env, argv, &key, &nonce) || !parts_length(env, argv[3], &count, &total))
    return NULL;
  if (!get_bytes(env, argv[4], "masq-cipher: the output must be a Buffer", &out) ||
      !expect(env, total <= INT_MAX - TAG_BYTES && out.length == total + TAG_BYTES,
              "masq-cipher: the output must hold the parts and the tag exactly"))
    return NULL;
  /* Every part is checked before the first byte is written; the parts are read again to encipher them. */
  for (uint32_t i = 0; i < count; i++) {
    if (!part_at(env, argv[3], i, &part) || !apart_or_same(env, &part, out.data + at, part.length)) return NULL;
    at += part.length;
  }
  if (!openssl(env, EVP_CipherInit_ex(c->seal, NULL, NULL, key.data, nonce.data, 1)) || !add_ad(env, c->seal, argv[2])) return NULL;
  at = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (!part_at(env, argv[3], i, &part) ||
        (part.length > 0 && !openssl(env, EVP_CipherUpdate(c->seal, out.data + at, &n, part.data, (int)part.length))))
      return NULL;
    at += part.length;
  }
  if (!openssl(env, EVP_CipherFinal_ex(c->seal, out.data + at, &n)) ||
      !openssl(env, EVP_CIPHER_CTX_ctrl(c->seal, EVP_CTRL_AEAD_GET_TAG, TAG_BYTES, out.data + at)))
    return NULL;
  return NULL;
}

/*
 * open(key, nonce, ad, sealed, output) → boolean: sealed is ciphertext ‖ tag; its plaintext is written into output
 * (at least the ciphertext's length), which may be sealed itself (in place). false when the tag does not verify; the
 * output is then zeroed, so no unauthenticated byte is left to use. A record that arrives in pieces goes through an
 * opener (below).
 */
static napi_value open_sealed(napi_env env, napi_callback_info info) {
  napi_value argv[5], result;
  contexts *c;
  bytes key, nonce, sealed, out, ciphertext;
  unsigned char tag[TAG_BYTES], rest[TAG_BYTES];
  int n, ok;
  if (!args(env, info, 5, argv, &c) || !key_and_nonce(env, argv, &key, &nonce) ||
      !get_bytes(env, argv[3], "masq-cipher: the sealed bytes must be a Buffer", &sealed) ||
      !expect(env, sealed.length >= TAG_BYTES, "masq-cipher: sealed bytes are at least their 16-byte tag") ||
      !get_bytes(env, argv[4], "masq-cipher: the output must be a Buffer", &out))
    return NULL;
  ciphertext.data = sealed.data;
  ciphertext.length = sealed.length - TAG_BYTES;
  if (!expect(env, out.length >= ciphertext.length, "masq-cipher: the output is shorter than the ciphertext") ||
      !apart_or_same(env, &ciphertext, out.data, ciphertext.length))
    return NULL;
  /* The tag is read before the first byte is written: an output apart from the ciphertext may lie over it. */
  memcpy(tag, sealed.data + ciphertext.length, TAG_BYTES);
  if (!openssl(env, EVP_CipherInit_ex(c->open, NULL, NULL, key.data, nonce.data, 0)) || !add_ad(env, c->open, argv[2]) ||
      !openssl(env, EVP_CIPHER_CTX_ctrl(c->open, EVP_CTRL_AEAD_SET_TAG, TAG_BYTES, tag)) ||
      (ciphertext.length > 0 &&
       !openssl(env, EVP_CipherUpdate(c->open, out.data, &n, ciphertext.data, (int)ciphertext.length))))
    return NULL;
  ok = EVP_CipherFinal_ex(c->open, rest, &n) > 0;
  if (!ok) memset(out.data, 0, ciphertext.length);
  napi_get_boolean(env, ok, &result);
  return result;
}

static int make_context(EVP_CIPHER_CTX **ctx, const EVP_CIPHER *cipher, int enc) {
  *ctx = EVP_CIPHER_CTX_new();
  return *ctx != NULL && EVP_CipherInit_ex(*ctx, cipher, NULL, NULL, NULL, enc) == 1;
}

/*
 * An opener: a context of its own for a record opened as its bytes arrive, read by read (a link's receiving side),
 * so each read's bytes are opened straight from the buffer they were read into, with no copy to gather them first.
 * Freed when the opener is collected.
 */
static void free_opener(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  EVP_CIPHER_CTX_free(data);
}

static napi_value opener_new(napi_env env, napi_callback_info info) {
  EVP_CIPHER_CTX *ctx;
  napi_value result;
  (void)info;
  if (!make_context(&ctx, EVP_chacha20_poly1305(), 0)) {
    EVP_CIPHER_CTX_free(ctx);
    napi_throw_error(env, "ERR_CRYPTO_OPERATION_FAILED", "masq-cipher: OpenSSL refused a cipher context");
    return NULL;
  }
  if (napi_create_external(env, ctx, free_opener, NULL, &result) != napi_ok) {
    EVP_CIPHER_CTX_free(ctx);
    return NULL;
  }
  return result;
}

static int opener_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, EVP_CIPHER_CTX **ctx) {
  contexts *c;
  napi_valuetype type;
  if (!args(env, info, want, argv, &c)) return 0;
  if (napi_typeof(env, argv[0], &type) != napi_ok || type != napi_external) {
    napi_throw_error(env, "ERR_INVALID_ARG_TYPE", "masq-cipher: the first argument must be an opener");
    return 0;
  }
  return napi_get_value_external(env, argv[0], (void **)ctx) == napi_ok;
}

/* openBegin(opener, key, nonce, ad): a new record under key and nonce, `ad` authenticated. */
static napi_value open_begin(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  EVP_CIPHER_CTX *ctx;
  bytes key, nonce;
  if (!opener_args(env, info, 4, argv, &ctx) || !key_and_nonce(env, argv + 1, &key, &nonce)) return NULL;
  if (!openssl(env, EVP_CipherInit_ex(ctx, NULL, NULL, key.data, nonce.data, 0))) return NULL;
  add_ad(env, ctx, argv[3]);
  return NULL;
}

/* openUpdate(opener, input, output, at): input's ciphertext opened into output from byte `at` (unauthenticated
 * until openEnd answers true). */
static napi_value open_update(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  EVP_CIPHER_CTX *ctx;
  bytes in, out;
  uint32_t at;
  int n;
  if (!opener_args(env, info, 4, argv, &ctx) || !get_bytes(env, argv[1], "masq-cipher: the input must be a Buffer", &in) ||
      !get_bytes(env, argv[2], "masq-cipher: the output must be a Buffer", &out))
    return NULL;
  if (napi_get_value_uint32(env, argv[3], &at) != napi_ok) {
    napi_throw_error(env, "ERR_INVALID_ARG_TYPE", "masq-cipher: the offset must be a number");
    return NULL;
  }
  if (!expect(env, at <= out.length && in.length <= out.length - at, "masq-cipher: the input does not fit the output at that offset") ||
      !apart_or_same(env, &in, out.data + at, in.length))
    return NULL;
  if (in.length > 0) openssl(env, EVP_CipherUpdate(ctx, out.data + at, &n, in.data, (int)in.length));
  return NULL;
}

/* openEnd(opener, tag, output) → boolean: whether the record authenticates; when not, output is zeroed. */
static napi_value open_end(napi_env env, napi_callback_info info) {
  napi_value argv[3], result;
  EVP_CIPHER_CTX *ctx;
  bytes tag, out;
  unsigned char rest[TAG_BYTES];
  int n, ok;
  if (!opener_args(env, info, 3, argv, &ctx) || !get_bytes(env, argv[1], "masq-cipher: the tag must be a Buffer", &tag) ||
      !expect(env, tag.length == TAG_BYTES, "masq-cipher: a tag has 16 bytes") ||
      !get_bytes(env, argv[2], "masq-cipher: the output must be a Buffer", &out) ||
      !openssl(env, EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, TAG_BYTES, tag.data)))
    return NULL;
  ok = EVP_CipherFinal_ex(ctx, rest, &n) > 0;
  if (!ok) memset(out.data, 0, out.length);
  napi_get_boolean(env, ok, &result);
  return result;
}

/*
 * trim(): true when malloc gave pages back to the system. glibc returns only the top of its heap by itself; the free
 * chunks between live ones stay resident until malloc_trim, which releases every free page of them.
 */
static napi_value trim(napi_env env, napi_callback_info info) {
  napi_value result;
  int released = 0;
  (void)info;
#ifdef __GLIBC__
  released = malloc_trim(0);
#endif
  napi_get_boolean(env, released, &result);
  return result;
}

NAPI_MODULE_INIT() {
  static const struct {
    const char *name;
    napi_callback call;
  } functions[] = {{"chacha20", chacha20},   {"seal", seal_parts},     {"open", open_sealed},
                   {"opener", opener_new}, {"openBegin", open_begin}, {"openUpdate", open_update},
                   {"openEnd", open_end},   {"trim", trim}};
  contexts *c = calloc(1, sizeof *c);
  if (c == NULL || !make_context(&c->stream, EVP_chacha20(), 1) || !make_context(&c->seal, EVP_chacha20_poly1305(), 1) ||
      !make_context(&c->open, EVP_chacha20_poly1305(), 0)) {
    if (c != NULL) free_contexts(c);
    napi_throw_error(env, "ERR_CRYPTO_OPERATION_FAILED", "masq-cipher: OpenSSL has no ChaCha20-Poly1305 here");
    return NULL;
  }
  if (napi_add_env_cleanup_hook(env, free_contexts, c) != napi_ok) {
    free_contexts(c);
    return NULL;
  }
  for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
    napi_value f;
    if (napi_create_function(env, functions[i].name, NAPI_AUTO_LENGTH, functions[i].call, c, &f) != napi_ok ||
        napi_set_named_property(env, exports, functions[i].name, f) != napi_ok)
      return NULL;
  }
  return exports;
}
