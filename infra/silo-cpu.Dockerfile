# syntax=docker/dockerfile:1
# CPU silo image: `docker build -f infra/silo-cpu.Dockerfile .` from the repository root.
# Build stage: the SDK publishes the silo executable (genplat-silo: the host alone, no trainer, plotting or benchmark code)
# with the CPU packages.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props GenerationPlatform.sln ./
COPY src/ src/
RUN dotnet restore src/GenerationPlatform.Silo/GenerationPlatform.Silo.csproj -p:GenPlatAccelerator=cpu
# The TorchSharp GLIBCXX fix (Directory.Build.targets) runs after publish and is a no-op here:
# Ubuntu 24.04's libstdc++ (GCC 14) already has GLIBCXX_3.4.32.
RUN dotnet publish src/GenerationPlatform.Silo/GenerationPlatform.Silo.csproj -c Release --no-restore \
      -p:GenPlatAccelerator=cpu -o /app

# Runtime stage: ASP.NET Core runtime on Ubuntu 24.04, non-root (the image's `app` user).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/genplat/results && chown -R app:app /var/lib/genplat
WORKDIR /app
COPY --from=build /app ./
USER app
# Ports the host reads (GenerationPlatform:Host:GrpcPort/HttpPort, GenerationPlatform:Cluster:SiloPort). No Orleans
# gateway (GenerationPlatform:Cluster:GatewayPort stays 0): the API runs in the silo's own process.
ENV GenerationPlatform__Host__Mode=cluster \
    GenerationPlatform__Host__ListenAddress=0.0.0.0 \
    GenerationPlatform__Host__GrpcPort=5080 \
    GenerationPlatform__Host__HttpPort=5081 \
    GenerationPlatform__Cluster__SiloPort=11111 \
    GenerationPlatform__Silo__Accelerator=cpu \
    GenerationPlatform__Results__Path=/var/lib/genplat/results \
    DOTNET_gcServer=1
EXPOSE 5080 5081 11111
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${GenerationPlatform__Host__HttpPort}/healthz/live" || exit 1
ENTRYPOINT ["dotnet", "/app/genplat-silo.dll"]
