# syntax=docker/dockerfile:1
# GPU silo image: `docker build -f infra/silo-gpu.Dockerfile .` from the repository root.
# The build switch GenPlatAccelerator=cuda is the ONNX Runtime GPU build: Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0
# (the CUDA execution provider) in place of Microsoft.ML.OnnxRuntime; TorchSharp stays on its CPU package (TorchSharp's
# own CUDA build, -p:GenPlatTorchCuda=true, is not served by the registry we build from). On the GPU the denoisers run as
# ONNX models (backend onnx, e.g. models/velocity-unet-onnx, written by genplat export-onnx).
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props GenerationPlatform.sln ./
COPY src/ src/
RUN dotnet restore src/GenerationPlatform.Silo/GenerationPlatform.Silo.csproj -p:GenPlatAccelerator=cuda
RUN dotnet publish src/GenerationPlatform.Silo/GenerationPlatform.Silo.csproj -c Release --no-restore \
      -p:GenPlatAccelerator=cuda -o /app

# The .NET runtime, taken from Microsoft's image, on NVIDIA's CUDA 13 + cuDNN 9 runtime (Ubuntu 24.04, whose libstdc++
# has GLIBCXX_3.4.32): ONNX Runtime 1.31.0's CUDA provider links libcudart.so.13, libcublas.so.13, libcublasLt.so.13 and
# libcurand.so.10 and opens cuDNN 9 (ldd on the package's libonnxruntime_providers_cuda.so). The NVIDIA container
# toolkit provides the driver at run time. infra/gpu-check.sh shows what a machine's provider finds and misses.
# (The image tag is NVIDIA's naming for CUDA 13.0 with cuDNN; not pulled from here, as no registry is reachable.)
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS dotnet
FROM nvidia/cuda:13.0.0-cudnn-runtime-ubuntu24.04 AS runtime
COPY --from=dotnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl libicu74 libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1654 app && useradd --uid 1654 --gid app --no-create-home app \
 && mkdir -p /var/lib/genplat/results && chown -R app:app /var/lib/genplat
WORKDIR /app
COPY --from=build /app ./
USER app
# Models:Device is cuda: a container whose CUDA stack does not load fails when it loads the model instead of
# serving from the CPU ("auto" would fall back).
ENV GenerationPlatform__Host__Mode=cluster \
    GenerationPlatform__Host__ListenAddress=0.0.0.0 \
    GenerationPlatform__Host__GrpcPort=5080 \
    GenerationPlatform__Host__HttpPort=5081 \
    GenerationPlatform__Cluster__SiloPort=11111 \
    GenerationPlatform__Silo__Accelerator=cuda \
    GenerationPlatform__Models__Device=cuda \
    GenerationPlatform__Results__Path=/var/lib/genplat/results \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    DOTNET_gcServer=1
EXPOSE 5080 5081 11111
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${GenerationPlatform__Host__HttpPort}/healthz/live" || exit 1
ENTRYPOINT ["dotnet", "/app/genplat-silo.dll"]
