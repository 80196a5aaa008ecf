# syntax=docker/dockerfile:1
# GPU silo image: PyTorch's CUDA 13 runtime image, whose libtorch TorchSharp runs on (GenerationPlatform:Models:LibTorch),
# and the GPU bundle's genplat-silo (self-contained, without libtorch), unpacked: no .NET SDK and no NuGet at build or run
# time. From the repository root, where the .NET SDK is:
#   infra/gpu/bundle.sh out/gpu-bundle
#   docker build -f infra/silo-gpu.Dockerfile -t genplat/silo-gpu .
# (--build-arg BUNDLE=<folder of parts> for another folder in the build context; /out/ is ignored by git.) The bundle's ONNX
# Runtime is the CPU build: on the GPU the silo serves TorchSharp models (velocity-unet, fashion-small, fashion-large); docs/
# OPERATIONS.md, "Installing on a GPU host without internet". The image tag is PyTorch's naming for 2.11 with CUDA 13.0 and
# cuDNN 9, not pulled from here (no registry is reachable); TORCH_LIB is where its torch/lib lies, checked while building.
ARG PYTORCH_IMAGE=pytorch/pytorch:2.11.0-cuda13.0-cudnn9-runtime

FROM ${PYTORCH_IMAGE} AS unpacked
ARG BUNDLE=out/gpu-bundle
COPY ${BUNDLE}/ /tmp/genplat-bundle/
# unpack.sh checks every part against the manifest; without xz it decompresses with the image's python3.
RUN sh /tmp/genplat-bundle/unpack.sh /tmp/genplat-bundle /app

FROM ${PYTORCH_IMAGE} AS runtime
ARG TORCH_LIB=/opt/conda/lib/python3.11/site-packages/torch/lib
RUN found="$(python3 -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')" \
 && { [ "$found" = "$TORCH_LIB" ] && [ -f "$TORCH_LIB/libtorch_cuda.so" ] \
      || { echo "this image's torch/lib is $found, not $TORCH_LIB: build with --build-arg TORCH_LIB=$found" >&2; exit 1; }; } \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl openssl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1654 app && useradd --uid 1654 --gid app --no-create-home app \
 && mkdir -p /var/lib/genplat/results && chown -R app:app /var/lib/genplat
WORKDIR /app
COPY --from=unpacked /app ./
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
    GenerationPlatform__Models__LibTorch=${TORCH_LIB} \
    GenerationPlatform__Results__Path=/var/lib/genplat/results \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    DOTNET_gcServer=1
EXPOSE 5080 5081 11111
HEALTHCHECK --interval=15s --timeout=3s --start-period=90s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${GenerationPlatform__Host__HttpPort}/healthz/live" || exit 1
ENTRYPOINT ["/app/genplat-silo"]
