import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The server reads bundles with apache-arrow and fflate in Node; keep them out of the server bundle.
  serverExternalPackages: ["apache-arrow"],
};

export default nextConfig;
