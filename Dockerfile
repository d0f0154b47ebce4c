# Think Together: one image, one process, SQLite in /data.
#   docker build -t think-together .
#   docker run -p 8080:8080 -v think-together-data:/data think-together
# tests/integration/production.test.ts performs these same steps without Docker, and
# tests/integration/production.dockerfile.test.ts checks that this file still says them.

# Build stage: every dependency, then the client (Vite, precompressed) and the compiled server.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime stage: production dependencies and dist/, nothing else; runs as the image's node user.
FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/ ./dist/
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
# Liveness only; readiness (storage writable) is GET /readyz, for an orchestrator to ask.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is PID 1 (no npm or shell in between), so SIGTERM from `docker stop` reaches the
# server, which stores everything and closes connections with 1001 before exiting.
CMD ["node", "dist/server/main.js"]
