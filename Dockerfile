# One image for every Gavelstream role (compose.yaml picks the role with ROLES).
#   docker build -t gavelstream .
#   docker run -p 3000:3000 -p 3001:3001 gavelstream          # embedded mode, data in the container
# Health: `node dist/scripts/healthcheck.js` asks GET /ready on OPS_PORT (compose.yaml sets it, and
# the check, for every role); without OPS_PORT it probes what the process's ROLES serve.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
 && rm -rf dist/test \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
# dist/ holds the compiled modules and, beside them, the .sql files they read (npm run build copies
# them). The live bidding page is served from its source folder, realtime/page/public/ (plain
# browser modules, no build step; realtime/page/page-routes.ts finds it from dist/).
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/realtime/page/public ./realtime/page/public
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000 3001
CMD ["node", "dist/scripts/start.js"]
