# Build with dev dependencies, ship only production ones.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY layers ./layers
COPY scripts/bundle-cli.mjs ./scripts/bundle-cli.mjs
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
# EMBEDDED=false: a container never falls back to the demo database and simulated LML.
ENV NODE_ENV=production EMBEDDED=false
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The official image's `node` user, by id so Kubernetes can verify runAsNonRoot.
USER 1000:1000
# Exec form: SIGTERM reaches Node, which interrupts the run and lets finalizers close the pool.
ENTRYPOINT ["node", "dist/cli.mjs"]
CMD ["run"]
