# The Housecall service: `housecall serve` in a small image.
#   docker build -t housecall .
#   docker run -p 8080:8080 -v /path/to/token:/run/secrets/housecall-token:ro housecall
# The western-GTA region data is compiled into the binary; nothing else is needed at run time.

FROM rust:1.88-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin housecall

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home housecall
COPY --from=build /src/target/release/housecall /usr/local/bin/housecall
USER 10001
EXPOSE 8080
# One worker per core the container gets; the token comes from a mounted secret.
ENTRYPOINT ["housecall", "serve", "--listen", "0.0.0.0:8080", "--token-file", "/run/secrets/housecall-token"]
CMD ["--workers", "1", "--timeout", "10s", "--max-body", "1MiB"]
