# liqbot in a container. The build stage runs the same commands as CI (.ci/run): `npm ci`, which compiles
# better-sqlite3 and builds the dist/ bundle through "prepare"; then the production tree is `npm ci --omit=dev`
# (no tsx, no esbuild, no test tools). The runtime stage has no compiler, only what the bot runs.
#
#   docker compose up -d          (see compose.yaml; tokens come from .env)

FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
# The production dependencies only, as `npm ci --omit=dev` installs them (dist/ is kept: prepare sees no esbuild).
RUN npm ci --omit=dev --no-audit --no-fund && npm ls --omit=dev tsx | grep -q empty

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=131072 \
    LIQBOT_DATA_DIR=/data \
    LIQBOT_HTTP_PORT=9464 \
    LIQBOT_HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/config ./config
COPY --from=build /app/fixtures ./fixtures
# The charts' fonts (with their licence): charts draw with these and never with system fonts.
COPY --from=build /app/assets ./assets
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9464
# /livez: 200 while the bot answers and its store works; 503 (unhealthy) while the store fails. A venue or a chat
# platform down makes /healthz 503, not the container unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/livez').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# One SIGTERM stops it cleanly within a few seconds (pending alerts stay in the database for the next start).
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=4", "--optimize-for-size", "bin/liqbot.js", "start"]
