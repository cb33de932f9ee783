{{/* The chart name, or nameOverride. */}}
{{- define "todo.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-<chart> (or fullnameOverride), cut to leave room for a worker suffix. */}}
{{- define "todo.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "todo.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels of every resource. */}}
{{- define "todo.labels" -}}
helm.sh/chart: {{ include "todo.chart" . }}
{{ include "todo.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: todo
{{- end }}

{{/* Labels that select every pod of the release. */}}
{{- define "todo.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one worker's resources: (dict "root" $ "name" "notify"). */}}
{{- define "todo.workerLabels" -}}
{{ include "todo.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* Labels that select one worker's pods: (dict "root" $ "name" "notify"). */}}
{{- define "todo.workerSelectorLabels" -}}
{{ include "todo.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* One worker's values: workerDefaults overridden by workers.<name>. */}}
{{- define "todo.workerValues" -}}
{{- $specific := index .root.Values.workers .name | default dict }}
{{- toYaml (merge (deepCopy $specific) (deepCopy .root.Values.workerDefaults)) }}
{{- end }}

{{- define "todo.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "todo.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "todo.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the pods read: existingSecret or the chart's own. */}}
{{- define "todo.secretName" -}}
{{- .Values.secrets.existingSecret | default (include "todo.fullname" .) }}
{{- end }}

{{/*
TODO_<SECTION>__<KEY>: value lines for a settings tree (top-level scalars become TODO_<KEY>);
empty values are left out so that todo's own defaults apply.
*/}}
{{- define "todo.envLines" -}}
{{- range $key, $value := . }}
{{- if kindIs "map" $value }}
{{- range $sub, $v := $value }}
{{- if and (not (kindIs "invalid" $v)) (ne (toString $v) "") }}
{{ printf "TODO_%s__%s" (upper $key) (upper $sub) }}: {{ toString $v | quote }}
{{- end }}
{{- end }}
{{- else if and (not (kindIs "invalid" $value)) (ne (toString $value) "") }}
{{ printf "TODO_%s" (upper $key) }}: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* The ConfigMap's data: the non-secret settings, the metrics port and TODO_HOME. */}}
{{- define "todo.configData" -}}
TODO_HOME: "/var/lib/todo"
TODO_WORKER__METRICS_PORT: {{ .Values.metrics.port | toString | quote }}
{{- include "todo.envLines" .Values.settings }}
{{- end }}

{{/* The chart-made Secret's stringData. */}}
{{- define "todo.secretData" -}}
{{- include "todo.envLines" (omit .Values.secrets "existingSecret") }}
{{- end }}

{{/* Volumes for the writable paths of a read-only root filesystem. */}}
{{- define "todo.volumes" -}}
- name: tmp
  emptyDir: {}
- name: home
  emptyDir: {}
{{- end }}

{{- define "todo.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: home
  mountPath: /var/lib/todo
{{- end }}

{{/* The Kafka consumer group of a worker: <topic_prefix><name>, as the workers name it. */}}
{{- define "todo.consumerGroup" -}}
{{- printf "%s%s" (.root.Values.settings.kafka.topic_prefix | default "") .name }}
{{- end }}

{{/* The topic a worker's group reads (audit reads all: empty). */}}
{{- define "todo.consumerTopic" -}}
{{- $prefix := .root.Values.settings.kafka.topic_prefix | default "" }}
{{- if eq .name "notify" }}{{ printf "%sreminders" $prefix }}
{{- else if eq .name "recurrence" }}{{ printf "%stask-events" $prefix }}
{{- end }}
{{- end }}

{{/* The workers autoscaling may own the replica count of. */}}
{{- define "todo.autoscaled" -}}
{{- if and (or .root.Values.autoscaling.keda.enabled .root.Values.autoscaling.hpa.enabled) (hasKey .root.Values.autoscaling.workers .name) }}true{{- end }}
{{- end }}
