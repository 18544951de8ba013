# The Pingan Atlas server image (API + built client). docker-compose.yml runs it against PostGIS.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# Build the client at image build time and stamp it, so the server does not rebuild it at start.
RUN node --import tsx --input-type=module -e "const m = await import('./api/web-build.ts'); await m.buildClient('/app/web/dist', console.log)"
ENV HOST=0.0.0.0 PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=6 \
  CMD node -e "fetch('http://127.0.0.1:8080/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["npx", "tsx", "api/main.ts"]
