{{/* Chart name, truncated for Kubernetes names. */}}
{{- define "genplat.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name. */}}
{{- define "genplat.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "genplat.labels" -}}
app.kubernetes.io/name: {{ include "genplat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Labels every silo pod carries (the gRPC Service and the PDB select on them). */}}
{{- define "genplat.siloSelector" -}}
app.kubernetes.io/name: {{ include "genplat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: silo
{{- end -}}

{{/* Labels of the metrics Service (the ServiceMonitor selects on them). */}}
{{- define "genplat.metricsSelector" -}}
app.kubernetes.io/name: {{ include "genplat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: metrics
{{- end -}}

{{/* Orleans ClusterId and ServiceId: the values, else one per release ("<namespace>-<release>"). */}}
{{- define "genplat.clusterId" -}}
{{- default (printf "%s-%s" .Release.Namespace .Release.Name) .Values.cluster.clusterId -}}
{{- end -}}
{{- define "genplat.serviceId" -}}
{{- default (printf "%s-%s" .Release.Namespace .Release.Name) .Values.cluster.serviceId -}}
{{- end -}}

{{- define "genplat.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "genplat.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Where the silo TLS Secret is mounted (GenerationPlatform:Cluster:Tls:*Path point into it). */}}
{{- define "genplat.clusterTlsDir" -}}/etc/genplat/cluster-tls{{- end -}}

{{/* Where the tenants' and storage Secret is mounted, one file a key (GenerationPlatform:Host:SecretsFolder). */}}
{{- define "genplat.secretsDir" -}}/etc/genplat/secrets{{- end -}}

{{/* Where model folders from Blob Storage are downloaded (GenerationPlatform:Models:CacheDirectory). */}}
{{- define "genplat.modelCacheDir" -}}/var/cache/genplat-models{{- end -}}

{{/* GenerationPlatform:Models:MaxDownloadBytes: half of modelCache.sizeLimit (Mi or Gi), room for a folder's previous copy. */}}
{{- define "genplat.modelCacheMaxBytes" -}}
{{- $limit := toString .Values.modelCache.sizeLimit -}}
{{- $unit := ternary 1073741824 1048576 (hasSuffix "Gi" $limit) -}}
{{- div (mul (regexReplaceAll "[MG]i$" $limit "" | int64) $unit) 2 -}}
{{- end -}}

{{/*
What of the Secret the silos read only at start, hashed into the pods' annotations so that a change rolls them: every
entry but the tenants' key hashes (GenerationPlatform__Auth__*), which the silos follow from the mounted folder. For an
existingSecret, what helm finds in the cluster at install or upgrade (lookup; nothing under helm template).
*/}}
{{- define "genplat.secretChecksum" -}}
{{- $data := dict -}}
{{- if .Values.secret.existingSecret -}}
{{- $data = (lookup "v1" "Secret" .Release.Namespace .Values.secret.existingSecret).data | default dict -}}
{{- else -}}
{{- $data = (include (print .Template.BasePath "/secret.yaml") . | fromYaml).stringData | default dict -}}
{{- end -}}
{{- $atStart := dict -}}
{{- range $key, $value := $data -}}
{{- if not (hasPrefix "GenerationPlatform__Auth__" $key) }}{{ $_ := set $atStart $key $value }}{{ end -}}
{{- end -}}
{{- toJson $atStart | sha256sum -}}
{{- end -}}

{{- define "genplat.secretName" -}}
{{- if .Values.secret.existingSecret -}}
{{- .Values.secret.existingSecret -}}
{{- else -}}
{{- printf "%s-secrets" (include "genplat.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The silo container, shared by the CPU and GPU pools; call with (dict "root" $ "pool" "cpu|gpu"). */}}
{{- define "genplat.siloContainer" -}}
{{- $root := .root -}}
{{- $pool := .pool -}}
{{- $values := ternary $root.Values.gpuSilos $root.Values.cpuSilos (eq $pool "gpu") -}}
{{- $image := ternary $root.Values.gpuImage $root.Values.image (eq $pool "gpu") -}}
{{- /* The GPU pool always declares cuda (gpuSilos has no accelerator value); the CPU pool says what it serves with. */ -}}
{{- $accelerator := "cuda" -}}
{{- if ne $pool "gpu" }}{{ $accelerator = $values.accelerator }}{{ end -}}
- name: silo
  image: {{ printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) | quote }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  ports:
    - { name: grpc, containerPort: {{ $root.Values.ports.grpc }}, protocol: TCP }
    - { name: http, containerPort: {{ $root.Values.ports.http }}, protocol: TCP }
    - { name: silo, containerPort: {{ $root.Values.ports.silo }}, protocol: TCP }
    {{- if $root.Values.httpJson.enabled }}
    - { name: json, containerPort: {{ $root.Values.ports.json }}, protocol: TCP }
    {{- end }}
  env:
    # Kubernetes expands $(NAME) only for variables defined earlier in this list: these come first.
    - name: POD_NAME
      valueFrom: { fieldRef: { fieldPath: metadata.name } }
    - name: POD_NAMESPACE
      valueFrom: { fieldRef: { fieldPath: metadata.namespace } }
    - name: GenerationPlatform__Cluster__AdvertisedIp
      valueFrom: { fieldRef: { fieldPath: status.podIP } }
    - name: OTEL_SERVICE_NAME
      value: {{ printf "%s-%s" (include "genplat.fullname" $root) $pool | quote }}
    - name: OTEL_RESOURCE_ATTRIBUTES
      value: "k8s.pod.name=$(POD_NAME),k8s.namespace.name=$(POD_NAMESPACE)"
    - name: GenerationPlatform__Silo__Accelerator
      value: {{ $accelerator | quote }}
    - name: GenerationPlatform__Silo__Models
      value: {{ $values.models | quote }}
    # The GPU pool insists on cuda: a silo whose CUDA stack does not load fails loudly instead of serving from its CPU.
    - name: GenerationPlatform__Models__Device
      value: {{ ternary "cuda" "cpu" (eq $pool "gpu") | quote }}
    {{- if eq $pool "gpu" }}
    # TorchSharp on the GPU image's PyTorch libtorch, its CUDA build (the image carries no libtorch of its own).
    - name: GenerationPlatform__Models__LibTorch
      value: {{ $values.libTorch | quote }}
    # The root filesystem is read-only: CUDA's kernel cache goes to the writable /tmp.
    - name: CUDA_CACHE_PATH
      value: /tmp/cuda-cache
    {{- end }}
  # The Secret is a mounted folder (GenerationPlatform:Host:SecretsFolder), not environment: the silos follow its changes.
  envFrom:
    - configMapRef: { name: {{ printf "%s-config" (include "genplat.fullname" $root) }} }
  resources:
    {{- $resources := deepCopy $values.resources }}
    {{- if eq $pool "gpu" }}
    {{- $limits := merge (dict "nvidia.com/gpu" $values.gpusPerPod) (default (dict) $resources.limits) }}
    {{- $_ := set $resources "limits" $limits }}
    {{- end }}
    {{- toYaml $resources | nindent 4 }}
  securityContext:
    {{- toYaml $root.Values.securityContext | nindent 4 }}
  volumeMounts:
    - { name: tmp, mountPath: /tmp }
    - { name: secrets, mountPath: {{ include "genplat.secretsDir" $root }}, readOnly: true }
    - { name: model-cache, mountPath: {{ include "genplat.modelCacheDir" $root }} }
    {{- if $root.Values.cluster.tls.enabled }}
    - { name: cluster-tls, mountPath: {{ include "genplat.clusterTlsDir" $root }}, readOnly: true }
    {{- end }}
  startupProbe:
    httpGet: { path: /healthz/ready, port: http }
    periodSeconds: 5
    failureThreshold: 60
    timeoutSeconds: 3
  readinessProbe:
    httpGet: { path: /healthz/ready, port: http }
    periodSeconds: 5
    failureThreshold: 3
    timeoutSeconds: 3
  livenessProbe:
    httpGet: { path: /healthz/live, port: http }
    periodSeconds: 10
    failureThreshold: 6
    timeoutSeconds: 3
  lifecycle:
    # Give the Service time to stop routing new calls before the host starts its shutdown.
    preStop:
      exec: { command: ["sleep", "5"] }
{{- end -}}

{{/* What both pools' pod specs share after the containers; call with (dict "root" $ "pool" "cpu|gpu"). */}}
{{- define "genplat.podVolumes" -}}
{{- $root := .root -}}
{{- $values := ternary $root.Values.gpuSilos $root.Values.cpuSilos (eq .pool "gpu") -}}
- name: tmp
  emptyDir: { sizeLimit: {{ required "cpuSilos.tmpSizeLimit and gpuSilos.tmpSizeLimit are required" $values.tmpSizeLimit }} }
- name: model-cache
  emptyDir: { sizeLimit: {{ $root.Values.modelCache.sizeLimit }} }
- name: secrets
  secret:
    secretName: {{ include "genplat.secretName" $root }}
    # Readable by the silo's group (fsGroup) only.
    defaultMode: 288 # 0440
{{- if $root.Values.cluster.tls.enabled }}
- name: cluster-tls
  secret:
    secretName: {{ $root.Values.cluster.tls.secretName }}
    # Readable by the silo's group (fsGroup) only.
    defaultMode: 288 # 0440
{{- end }}
{{- end -}}


{{/* Labels of one pool's pods (its Deployment, PodDisruptionBudget and topology spread select on them). */}}
{{- define "genplat.poolSelector" -}}
{{ include "genplat.siloSelector" .root }}
genplat/pool: {{ .pool }}
{{- end -}}

{{/*
Refuses values that cannot work, before anything is applied:
- no pool serves a model (every job would fail at denoiser placement): the GPU pool off or at 0 replicas, and the
  CPU pool declaring no accelerator (or at 0 replicas);
- no Secret (secret.create false without secret.existingSecret): the pods could not start;
- an ingress without a host or a TLS Secret;
- silo TLS (on by default) without its Secret;
- a NetworkPolicy whose grpcFrom is empty (it would admit every source) without networkPolicy.grpcFromAnywhere;
- a LoadBalancer or NodePort Service, which publishes plaintext ports that carry bearer keys, without service.allowPlaintextKeys;
- the Orleans dashboard without its password's hash in the generated Secret (the silos would not start).
*/}}
{{- define "genplat.validate" -}}
{{- $gpu := .Values.gpuSilos -}}
{{- $cpu := .Values.cpuSilos -}}
{{- $gpuServes := and $gpu.enabled (gt (int $gpu.replicas) 0) (ne (toString $gpu.models) "") -}}
{{- $cpuReplicas := ternary .Values.autoscaling.minReplicas $cpu.replicas .Values.autoscaling.enabled -}}
{{- $cpuServes := and (ne (toString $cpu.accelerator) "none") (gt (int $cpuReplicas) 0) (ne (toString $cpu.models) "") -}}
{{- if not (or $gpuServes $cpuServes) -}}
{{- fail "these values serve no model: no pool with replicas > 0 declares an accelerator and models. Keep gpuSilos.enabled with gpuSilos.replicas > 0, or on a cluster without GPUs set cpuSilos.accelerator=cpu (the CPU pool then serves the models)" -}}
{{- end -}}
{{- if and (not .Values.secret.create) (not .Values.secret.existingSecret) -}}
{{- fail "secret.create is false and secret.existingSecret is empty: name the Secret that holds the storage connection string and the tenants' key hashes" -}}
{{- end -}}
{{- if .Values.ingress.enabled -}}
{{- if not .Values.ingress.host -}}
{{- fail "ingress.enabled needs ingress.host" -}}
{{- end -}}
{{- if not .Values.ingress.tls.secretName -}}
{{- fail "ingress.enabled needs ingress.tls.secretName: gRPC clients reach an ingress over HTTP/2 with TLS" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.cluster.tls.enabled (not .Values.cluster.tls.secretName) -}}
{{- fail "cluster.tls.secretName is required: silo-to-silo mutual TLS is on by default (cluster.tls.enabled). Name a kubernetes.io/tls Secret with tls.crt and tls.key whose certificate lists both server auth and client auth (e.g. a cert-manager Certificate, docs/OPERATIONS.md), or set cluster.tls.enabled=false to run the silo port in plaintext behind the NetworkPolicy alone" -}}
{{- end -}}
{{- if and .Values.networkPolicy.enabled (empty .Values.networkPolicy.grpcFrom) (not .Values.networkPolicy.grpcFromAnywhere) -}}
{{- fail "networkPolicy.grpcFrom is empty, which would admit every source on the API ports: list the peers that call the API (e.g. your ingress controller's namespace), or set networkPolicy.grpcFromAnywhere=true to admit every source on purpose" -}}
{{- end -}}
{{- if and .Values.orleansDashboard.enabled (not .Values.secret.existingSecret) (not .Values.orleansDashboard.passwordSha256) -}}
{{- fail "orleansDashboard.passwordSha256 is required when orleansDashboard.enabled is true: the dashboard is served only behind a password, and a silo without one does not start (printf %s \"$PASSWORD\" | sha256sum; with secret.existingSecret, keep GenerationPlatform__Dashboard__PasswordSha256 in that Secret instead)" -}}
{{- end -}}
{{- if and (has .Values.service.type (list "LoadBalancer" "NodePort")) (not .Values.service.allowPlaintextKeys) -}}
{{- fail (printf "service.type %s publishes the API ports beyond the cluster in plaintext (h2c, HTTP/1.1), and every call carries a bearer API key: reach the API through the ingress (ingress.enabled, TLS) with service.type ClusterIP, or set service.allowPlaintextKeys=true if the load balancer terminates TLS or the network is trusted with the keys" .Values.service.type) -}}
{{- end -}}
{{- end -}}

{{/* A pool's Deployment; call with (dict "root" $ "pool" "cpu|gpu"). */}}
{{- define "genplat.deployment" -}}
{{- $root := .root -}}
{{- $pool := .pool -}}
{{- $values := ternary $root.Values.gpuSilos $root.Values.cpuSilos (eq $pool "gpu") -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "genplat.fullname" $root }}-{{ $pool }}
  labels:
    {{- include "genplat.labels" $root | nindent 4 }}
    app.kubernetes.io/component: silo
    genplat/pool: {{ $pool }}
spec:
  {{- /* The HorizontalPodAutoscaler, when enabled, owns the CPU pool's replica count. */}}
  {{- if not (and $root.Values.autoscaling.enabled (eq $pool "cpu")) }}
  replicas: {{ $values.replicas }}
  {{- end }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: {{ $values.rollingUpdate.maxSurge }}
      maxUnavailable: {{ $values.rollingUpdate.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "genplat.poolSelector" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "genplat.poolSelector" . | nindent 8 }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        # Only what is read at start: the tenants' keys are followed from the mounted Secret without a restart.
        checksum/secret: {{ include "genplat.secretChecksum" $root }}
    spec:
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
      serviceAccountName: {{ include "genplat.serviceAccountName" $root }}
      # The silos call no Kubernetes API.
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      containers:
        {{- include "genplat.siloContainer" . | nindent 8 }}
      volumes:
        {{- include "genplat.podVolumes" . | nindent 8 }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- range . }}
        - topologyKey: {{ .topologyKey }}
          maxSkew: {{ .maxSkew }}
          whenUnsatisfiable: {{ .whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "genplat.poolSelector" $ | nindent 14 }}
        {{- end }}
      {{- end }}
{{- end -}}

{{/* A pool's PodDisruptionBudget; call with (dict "root" $ "pool" "cpu|gpu"). */}}
{{- define "genplat.podDisruptionBudget" -}}
{{- $root := .root -}}
{{- $values := ternary $root.Values.gpuSilos $root.Values.cpuSilos (eq .pool "gpu") -}}
{{- $pdb := $values.podDisruptionBudget -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "genplat.fullname" $root }}-{{ .pool }}
  labels:
    {{- include "genplat.labels" $root | nindent 4 }}
    app.kubernetes.io/component: silo
    genplat/pool: {{ .pool }}
spec:
  maxUnavailable: {{ $pdb.maxUnavailable }}
  {{- with $pdb.unhealthyPodEvictionPolicy }}
  unhealthyPodEvictionPolicy: {{ . }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "genplat.poolSelector" . | nindent 6 }}
{{- end -}}
