{{/*
The alert rules, for one scrape selector; call with (dict "selector" "job=...,namespace=..." "alerts" .Values.telemetry.prometheusRule.alerts).
docker-compose's Prometheus loads the same rules from infra/prometheus/alerts.yml (the default values, selector
job="genplat-silo"); a deployment test keeps the two equal.
*/}}
{{- define "genplat.alertGroups" -}}
{{- $s := .selector -}}
{{- $a := .alerts -}}
groups:
  - name: genplat
    rules:
      - alert: GenplatSiloDown
        expr: up{ {{- $s -}} } == 0
        for: {{ $a.siloDown.for }}
        labels:
          severity: critical
        annotations:
          summary: {{ `Silo {{ $labels.instance }} does not answer its scrape` | quote }}
          description: {{ `Prometheus could not scrape {{ $labels.instance }} for a while: the silo is down, stuck or unreachable; its grains and jobs move to the other silos.` | quote }}
      - alert: GenplatNoSilo
        expr: absent(up{ {{- $s -}} } == 1)
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: No silo of GenerationPlatform answers
          description: No silo has been scraped successfully for 5 minutes; the API is down.
      - alert: GenplatDenoiserQueueWaitHigh
        expr: |-
          (
            sum by (model) (rate(genplat_denoiser_queue_wait_seconds_count{ {{- $s -}} }[5m]))
            - sum by (model) (rate(genplat_denoiser_queue_wait_seconds_bucket{ {{- $s -}} ,le="{{ $a.denoiserQueueWait.seconds }}"}[5m]))
          )
          / sum by (model) (rate(genplat_denoiser_queue_wait_seconds_count{ {{- $s -}} }[5m]))
          > {{ $a.denoiserQueueWait.fraction }}
        for: {{ $a.denoiserQueueWait.for }}
        labels:
          severity: warning
        annotations:
          summary: {{ printf "Denoise requests of {{ $labels.model }} wait over %vs for their first model call" $a.denoiserQueueWait.seconds | quote }}
          description: {{ printf "More than %v of denoise requests for {{ $labels.model }} waited over %vs for a batch slot ({{ $value | humanizePercentage }}): the denoisers of this model are saturated; add accelerator silos or lower the tenants' concurrency." $a.denoiserQueueWait.fraction $a.denoiserQueueWait.seconds | quote }}
      - alert: GenplatJobFailureRate
        expr: |-
          sum(rate(genplat_jobs_total{ {{- $s -}} ,outcome="failed"}[10m]))
          / sum(rate(genplat_jobs_total{ {{- $s -}} }[10m]))
          > {{ $a.jobFailures.ratio }}
        for: {{ $a.jobFailures.for }}
        labels:
          severity: warning
        annotations:
          summary: {{ `{{ $value | humanizePercentage }} of jobs fail` | quote }}
          description: {{ printf "More than %v of the jobs that ended in the last 10 minutes failed; each failed job's cause is logged by its silo under the job id." $a.jobFailures.ratio | quote }}
      - alert: GenplatResultStoreFailures
        expr: sum by (store_kind, operation) (increase(genplat_storage_errors_total{ {{- $s -}} ,outcome="failed"}[10m])) > 0
        for: {{ $a.storageFailures.for }}
        labels:
          severity: warning
        annotations:
          summary: {{ `The result store gives up on {{ $labels.operation }} calls` | quote }}
          description: {{ `{{ $labels.store_kind }} {{ $labels.operation }} calls failed after their retries: finished jobs cannot store or serve their results (the API answers UNAVAILABLE); check the storage account.` | quote }}
      - alert: GenplatQuotaRejections
        expr: sum by (tenant, quota) (rate(genplat_quota_rejections_total{ {{- $s -}} }[5m])) > {{ $a.quotaRejections.perSecond }}
        for: {{ $a.quotaRejections.for }}
        labels:
          severity: info
        annotations:
          summary: {{ `Tenant {{ $labels.tenant }} is turned away by its {{ $labels.quota }} quota` | quote }}
          description: {{ `{{ $labels.tenant }} has had {{ $value | humanize }} admissions per second refused by its {{ $labels.quota }} quota: it asks for more than its share; raise its quota or talk to the tenant.` | quote }}
{{- end -}}
