/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg and PGlite are Node libraries with optional native/wasm parts; keep them out of the bundle.
  serverExternalPackages: ["pg", "@electric-sql/pglite"],
  poweredByHeader: false,
};

export default nextConfig;
