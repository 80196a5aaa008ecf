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
- name: silo
  image: {{ printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) | quote }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  ports:
    - { name: grpc, containerPort: {{ $root.Values.ports.grpc }}, protocol: TCP }
    - { name: http, containerPort: {{ $root.Values.ports.http }}, protocol: TCP }
    - { name: silo, containerPort: {{ $root.Values.ports.silo }}, protocol: TCP }
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
      value: {{ ternary "cuda" $values.accelerator (eq $pool "gpu") | quote }}
    - name: GenerationPlatform__Silo__Models
      value: {{ $values.models | quote }}
    {{- if eq $pool "gpu" }}
    # The root filesystem is read-only: CUDA's kernel cache goes to the writable /tmp.
    - name: CUDA_CACHE_PATH
      value: /tmp/cuda-cache
    {{- end }}
  envFrom:
    - configMapRef: { name: {{ printf "%s-config" (include "genplat.fullname" $root) }} }
    - secretRef: { name: {{ include "genplat.secretName" $root }} }
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
    {{- if $root.Values.cluster.tls.enabled }}
    - { name: cluster-tls, mountPath: {{ include "genplat.clusterTlsDir" $root }}, readOnly: true }
    {{- end }}
  startupProbe:
    httpGet: { path: /healthz/ready, port: http }
    periodSeconds: 5
    failureThreshold: 60
  readinessProbe:
    httpGet: { path: /healthz/ready, port: http }
    periodSeconds: 5
    failureThreshold: 3
  livenessProbe:
    httpGet: { path: /healthz/live, port: http }
    periodSeconds: 10
    failureThreshold: 6
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
{{- if $root.Values.cluster.tls.enabled }}
- name: cluster-tls
  secret:
    secretName: {{ required "cluster.tls.secretName is required when cluster.tls.enabled is true" $root.Values.cluster.tls.secretName }}
    # Readable by the silo's group (fsGroup) only.
    defaultMode: 288 # 0440
{{- end }}
{{- end -}}
