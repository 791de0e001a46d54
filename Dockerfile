# infrawire in a container: the daemon, its store and feeds on volumes, as a non-root user.
#
#   docker build -t infrawire --build-arg PUBLIC_URL=https://feeds.example.org .
#   docker run -d --name infrawire -p 8080:8080 -v infrawire-data:/data -v infrawire-feeds:/feeds \
#     --stop-timeout 45 infrawire
#
# The built-in config is the repository's config.json with the container's paths
# (/data/infrawire.db, /feeds), the server on 0.0.0.0:8080 and publish.baseUrl set
# to the PUBLIC_URL build argument. To use your own config, mount it:
#   -v "$PWD/config.json:/config/config.json:ro"   (then set those keys in it yourself)
# and reload it with `docker kill -s HUP infrawire`.

# Node 24 LTS, Debian 12 (bookworm) like the machines CI runs on; infrawire supports
# Node 20.19+, 22.12+ and 24 (package.json engines), each tested by .ci/run.
# --- dependencies and the compiled build (C++ tools only in case better-sqlite3 has no prebuilt binary) ---
FROM node:24-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
# npm ci runs the build (prepare: tsc → dist/), then the dev dependencies go.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime (the same Node as the deps stage: better-sqlite3 is built for its ABI) ---
FROM node:24-bookworm-slim
ARG PUBLIC_URL=http://127.0.0.1:8080
ENV NODE_ENV=production \
    INFRAWIRE_CONFIG=/config/config.json
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json config.json config.schema.json ./
COPY bin ./bin
COPY src ./src
COPY fixtures ./fixtures
# After src: bin/infrawire.js runs dist/ only while it is newer than every source.
COPY --from=deps /app/dist ./dist
# The container config: same sources, keywords and feeds; container paths and address.
RUN mkdir -p /config /data /feeds \
 && node -e ' \
      const fs = require("fs"); \
      const c = JSON.parse(fs.readFileSync("config.json", "utf8")); \
      delete c.$schema; \
      c.store = { ...c.store, path: "/data/infrawire.db" }; \
      c.publish = { ...c.publish, dir: "/feeds", baseUrl: process.argv[1] }; \
      c.server = { ...c.server, host: "0.0.0.0", port: 8080 }; \
      fs.writeFileSync("/config/config.json", JSON.stringify(c, null, 2) + "\n");' "$PUBLIC_URL" \
 && node bin/infrawire.js run --help >/dev/null \
 && chown -R node:node /data /feeds
USER node
VOLUME ["/data", "/feeds"]
EXPOSE 8080
# SIGTERM: fetches in flight get daemon.shutdownTimeoutMs (30 s) to finish; stop with --stop-timeout 45.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=60s --timeout=5s --start-period=30s \
  CMD node -e 'fetch("http://127.0.0.1:8080/").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))'
# node with the launcher's Node options (its first line), like npm start and the systemd unit.
CMD ["node", "--max-old-space-size=1024", "bin/infrawire.js", "daemon"]
