{{/* Name of the chart, or nameOverride. */}}
{{- define "fleetgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's resources: release-chart, or just the release name when it
already contains the chart name; at most 63 characters (DNS label).
*/}}
{{- define "fleetgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* chart-version, for the helm.sh/chart label. */}}
{{- define "fleetgate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels of every resource. */}}
{{- define "fleetgate.labels" -}}
helm.sh/chart: {{ include "fleetgate.chart" . }}
{{ include "fleetgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: gateway
app.kubernetes.io/part-of: fleetgate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select the release's pods; they never change between upgrades. */}}
{{- define "fleetgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fleetgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* ServiceAccount the pods run as. */}}
{{- define "fleetgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fleetgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag of the image. */}}
{{- define "fleetgate.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/* Where the mounted configuration lives in the container. */}}
{{- define "fleetgate.camelConfigDir" -}}/etc/fleetgate/camel{{- end }}
{{- define "fleetgate.camelSecretsDir" -}}/etc/fleetgate/camel-secrets{{- end }}
{{- define "fleetgate.kafkaTruststoreDir" -}}/etc/fleetgate/kafka-truststore{{- end }}
{{- define "fleetgate.kafkaKeystoreDir" -}}/etc/fleetgate/kafka-keystore{{- end }}
{{- define "fleetgate.accountsDir" -}}/etc/fleetgate/accounts{{- end }}
{{- define "fleetgate.fleetKeyDir" -}}/etc/fleetgate/fleet-key{{- end }}

{{/*
camel.component.kafka options read from Secrets, as a list of {option, secret, key}: each is
mounted as a file named after the full option (Camel Main's cloud properties).
*/}}
{{- define "fleetgate.kafkaSecretOptions" -}}
{{- $options := list }}
{{- with .Values.kafka.sasl }}
{{- if .existingSecret }}
{{- $options = append $options (dict "option" "sasl-jaas-config" "secret" .existingSecret "key" .jaasConfigKey) }}
{{- end }}
{{- end }}
{{- with .Values.kafka.tls }}
{{- if and .truststoreSecret .truststorePasswordKey }}
{{- $options = append $options (dict "option" "ssl-truststore-password" "secret" .truststoreSecret "key" .truststorePasswordKey) }}
{{- end }}
{{- if .keystoreSecret }}
{{- $options = append $options (dict "option" "ssl-keystore-password" "secret" .keystoreSecret "key" .keystorePasswordKey) }}
{{- end }}
{{- end }}
{{- range .Values.kafka.secretOptions }}
{{- $options = append $options (dict "option" .option "secret" .secret "key" .key) }}
{{- end }}
{{- toYaml (dict "options" $options) }}
{{- end }}

{{/* An environment variable's name for a setting: fleetgate.limits.ip.per-window -> FLEETGATE_LIMITS_IP_PER_WINDOW. */}}
{{- define "fleetgate.envName" -}}
{{- . | replace "." "_" | replace "-" "_" | upper }}
{{- end }}
