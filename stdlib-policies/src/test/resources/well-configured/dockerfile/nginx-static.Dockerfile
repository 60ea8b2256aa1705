# A static site: built with a pinned Node, served by the unprivileged nginx image on port 8080.
FROM node:20.15.1-alpine3.20@sha256:7c6b5a4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b AS build
WORKDIR /site
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY public/ ./public/
COPY src/ ./src/
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.27.0-alpine3.19@sha256:3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f
COPY --chmod=0444 nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /site/dist/ /usr/share/nginx/html/
LABEL org.opencontainers.image.source="https://git.example.com/web/docs-site"
USER 101
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s CMD wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1
CMD ["nginx", "-g", "daemon off;"]
