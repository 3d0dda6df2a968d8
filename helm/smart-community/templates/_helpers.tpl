{{/*
Helpers in the style of the Bitnami charts: names, labels, images, and the one place
where a workload's configuration is composed (serviceDefaults + its own block).
*/}}

{{- define "sc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "sc.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels every resource carries. */}}
{{- define "sc.labels.standard" -}}
app.kubernetes.io/name: {{ include "sc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: smart-community
helm.sh/chart: {{ include "sc.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pods of this release, whatever their component. */}}
{{- define "sc.labels.release" -}}
app.kubernetes.io/name: {{ include "sc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Selector labels of one component. Usage: include "sc.labels.selector" (dict "ctx" $ "component" "gateway") */}}
{{- define "sc.labels.selector" -}}
{{ include "sc.labels.release" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Labels of one component's resources. */}}
{{- define "sc.labels.component" -}}
{{ include "sc.labels.standard" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "sc.annotations.common" -}}
{{- with .Values.commonAnnotations }}
{{- toYaml . }}
{{- end }}
{{- end -}}

{{/* Name of a component's resources: <fullname>-<component>. */}}
{{- define "sc.componentName" -}}
{{- printf "%s-%s" (include "sc.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "sc.keysSecretName" -}}
{{- printf "%s-keys" (include "sc.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Every workload (the gateway and each service), as YAML: name -> configuration, where the
configuration is serviceDefaults overridden by the workload's own block, plus computed
fields (name, kind, package, databaseName, databaseUser, imageRef).
Use: {{- range $name, $w := (include "sc.workloads" . | fromYaml) }}
*/}}
{{- define "sc.workloads" -}}
{{- $all := dict -}}
{{- $blocks := dict -}}
{{- $_ := set $blocks "gateway" (dict "kind" "gateway" "values" .Values.gateway) -}}
{{- range $name, $svc := .Values.services -}}
{{- $_ := set $blocks $name (dict "kind" "service" "values" ($svc | default dict)) -}}
{{- end -}}
{{- range $name, $block := $blocks -}}
{{- $w := mergeOverwrite (deepCopy $.Values.serviceDefaults) (deepCopy $block.values) -}}
{{- if $w.enabled -}}
{{- $snake := $name | replace "-" "_" -}}
{{- $_ := set $w "name" $name -}}
{{- $_ := set $w "kind" $block.kind -}}
{{- $_ := set $w "package" (default $snake $w.package) -}}
{{- $_ := set $w "databaseName" (default $snake $w.database.name) -}}
{{- $_ := set $w "databaseUser" (default $snake $w.database.user) -}}
{{- $registry := default $.Values.image.registry $.Values.global.imageRegistry -}}
{{- $repo := default (printf "%s/%s" $.Values.image.repositoryPrefix $name) $w.image.repository -}}
{{- $tag := default (default $.Chart.AppVersion $.Values.image.tag) $w.image.tag -}}
{{- $ref := ternary (printf "%s/%s" $registry $repo) $repo (ne $registry "") -}}
{{- if $w.image.digest -}}
{{- $_ := set $w "imageRef" (printf "%s@%s" $ref $w.image.digest) -}}
{{- else -}}
{{- $_ := set $w "imageRef" (printf "%s:%s" $ref $tag) -}}
{{- end -}}
{{- $_ := set $all $name $w -}}
{{- end -}}
{{- end -}}
{{- toYaml $all -}}
{{- end -}}

{{/* Does this release run an identity service? */}}
{{- define "sc.jwksUrl" -}}
{{- if .Values.auth.jwksUrl -}}
{{- tpl .Values.auth.jwksUrl . -}}
{{- else if and (hasKey .Values.services "identity") (ne (toString (dig "enabled" true (.Values.services.identity | default dict))) "false") -}}
{{- printf "http://%s:8080/.well-known/jwks.json" (include "sc.componentName" (dict "ctx" . "component" "identity")) -}}
{{- end -}}
{{- end -}}

{{/* Secret and key holding a workload's DATABASE_URL. Usage: include "sc.databaseSecret" (dict "ctx" $ "w" $w) -> "name key" */}}
{{- define "sc.databaseSecretRef" -}}
{{- $w := .w -}}
{{- if $w.database.existingSecret -}}
name: {{ $w.database.existingSecret }}
key: {{ $w.database.existingSecretKey }}
{{- else if .ctx.Values.database.existingSecret -}}
name: {{ .ctx.Values.database.existingSecret }}
key: {{ printf "%s-database-url" $w.name }}
{{- else -}}
name: {{ printf "%s-db" (include "sc.componentName" (dict "ctx" .ctx "component" $w.name)) | trunc 63 | trimSuffix "-" }}
key: DATABASE_URL
{{- end -}}
{{- end -}}

{{- define "sc.usesChartDatabaseSecret" -}}
{{- if and .w.database.enabled (not .w.database.existingSecret) (not .ctx.Values.database.existingSecret) -}}true{{- end -}}
{{- end -}}

{{/*
Environment of a workload's containers (Deployment and migration Job alike).
Usage: include "sc.env" (dict "ctx" $ "w" $w)
*/}}
{{- define "sc.env" -}}
{{- $ctx := .ctx -}}
{{- $w := .w -}}
- name: SERVICE_NAME
  value: {{ $w.name | quote }}
- name: ENVIRONMENT
  value: {{ $ctx.Values.environment | quote }}
- name: LOG_LEVEL
  value: {{ $ctx.Values.logLevel | quote }}
- name: HTTP_HOST
  value: "0.0.0.0"
- name: HTTP_PORT
  value: {{ $w.containerPort | int | toString | quote }}
- name: HOME
  value: /tmp
{{ include "sc.kafkaEnv" $ctx }}
{{- with $ctx.Values.metrics.port }}
- name: METRICS_PORT
  value: {{ . | int | toString | quote }}
{{- end }}
{{- $otel := $ctx.Values.observability }}
{{- with $otel.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ tpl . $ctx | quote }}
{{- end }}
{{- with $otel.otlpTracesEndpoint }}
- name: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  value: {{ tpl . $ctx | quote }}
{{- end }}
{{- if or $otel.otlpEndpoint $otel.otlpTracesEndpoint }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ $otel.otlpProtocol | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ $w.name | quote }}
{{- end }}
{{- with $otel.tracesSampler }}
- name: OTEL_TRACES_SAMPLER
  value: {{ . | quote }}
{{- end }}
{{- with $otel.tracesSamplerArg }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ . | quote }}
{{- end }}
{{- with (include "sc.jwksUrl" $ctx) }}
- name: JWKS_URL
  value: {{ . | quote }}
{{- end }}
{{- if $w.database.enabled }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- include "sc.databaseSecretRef" . | nindent 6 }}
{{- end }}
{{- $fe := $ctx.Values.secrets.fieldEncryption }}
{{- if or $fe.existingSecret $fe.keys }}
- name: FIELD_ENCRYPTION_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ default (include "sc.keysSecretName" $ctx) $fe.existingSecret }}
      key: {{ ternary $fe.existingSecretKey "FIELD_ENCRYPTION_KEYS" (ne $fe.existingSecret "") }}
{{- end }}
{{- $js := $ctx.Values.secrets.jwtSigning }}
{{- if and $w.signingKeys (or $js.existingSecret $js.keys) }}
- name: JWT_SIGNING_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ default (include "sc.keysSecretName" $ctx) $js.existingSecret }}
      key: {{ ternary $js.existingSecretKey "JWT_SIGNING_KEYS" (ne $js.existingSecret "") }}
{{- end }}
{{- $cs := $ctx.Values.secrets.careSigning }}
{{- if and (eq $w.name "care") (or $cs.existingSecret $cs.key) }}
- name: CARE_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ default (include "sc.keysSecretName" $ctx) $cs.existingSecret }}
      key: {{ ternary $cs.existingSecretKey "CARE_SIGNING_KEY" (ne $cs.existingSecret "") }}
{{- end }}
{{- if eq $w.kind "gateway" }}
- name: UPSTREAMS
  value: {{ include "sc.upstreams" $ctx | quote }}
- name: CORS_ORIGINS
  value: {{ $w.corsOrigins | default list | toJson | quote }}
- name: FORWARDED_ALLOW_IPS
  value: {{ $w.ingressProxies | default list | join "," | quote }}
{{- else }}
- name: FORWARDED_ALLOW_IPS
  value: {{ $w.forwardedAllowIps | default "" | quote }}
{{- end }}
{{- range $k, $v := $w.env }}
- name: {{ $k }}
  value: {{ tpl (toString $v) $ctx | quote }}
{{- end }}
{{- with $w.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* UPSTREAMS of the gateway: every enabled service plus gateway.extraUpstreams, as JSON. */}}
{{- define "sc.upstreams" -}}
{{- $up := dict -}}
{{- range $name, $w := (include "sc.workloads" . | fromYaml) -}}
{{- if eq $w.kind "service" -}}
{{- $_ := set $up $name (printf "http://%s:%d" (include "sc.componentName" (dict "ctx" $ "component" $name)) (int $w.containerPort)) -}}
{{- end -}}
{{- end -}}
{{- range $name, $url := .Values.gateway.extraUpstreams -}}
{{- $_ := set $up $name $url -}}
{{- end -}}
{{- toJson $up -}}
{{- end -}}

{{/* Checksum of everything a pod reads from chart-managed secrets, to roll pods on change. */}}
{{- define "sc.secretsChecksum" -}}
{{- $data := dict "secrets" .ctx.Values.secrets "database" .ctx.Values.database "w" .w.database -}}
{{- toJson $data | sha256sum -}}
{{- end -}}

{{/*
Pod-level settings shared by Deployments and Jobs.
Usage: include "sc.podCommon" (dict "ctx" $ "hook" false)
Hook Jobs run before the release's ordinary ServiceAccount exists: they use the hooks one.
*/}}
{{- define "sc.podCommon" -}}
{{- $ctx := .ctx -}}
{{- if .hook -}}
serviceAccountName: {{ include "sc.componentName" (dict "ctx" $ctx "component" "hooks") }}
automountServiceAccountToken: false
{{- else -}}
serviceAccountName: {{ include "sc.serviceAccountName" $ctx }}
automountServiceAccountToken: {{ $ctx.Values.serviceAccount.automountServiceAccountToken }}
{{- end }}
{{- with $ctx.Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- include "sc.podSecurityContext" $ctx | nindent 2 }}
{{- end -}}

{{/*
OpenShift assigns each namespace a UID range and refuses pods that name their own UID:
global.compatibility.openshift.adaptSecurityContext "auto" (OpenShift detected by its
security.openshift.io API), "force" or "disabled". Adapted contexts drop runAsUser,
runAsGroup and fsGroup; the image's files are group 0 and group-writable where the app
writes, so the arbitrary UID (group 0) works.
*/}}
{{- define "sc.openshift" -}}
{{- $mode := dig "compatibility" "openshift" "adaptSecurityContext" "auto" (.Values.global | default dict) -}}
{{- if or (eq $mode "force") (and (eq $mode "auto") (.Capabilities.APIVersions.Has "security.openshift.io/v1")) -}}true{{- end -}}
{{- end -}}

{{- define "sc.podSecurityContext" -}}
{{- $sc := deepCopy .Values.podSecurityContext -}}
{{- if include "sc.openshift" . -}}
{{- $sc = omit $sc "runAsUser" "runAsGroup" "fsGroup" "seLinuxOptions" -}}
{{- end -}}
{{- toYaml $sc -}}
{{- end -}}

{{- define "sc.containerSecurityContext" -}}
{{- $sc := deepCopy .Values.containerSecurityContext -}}
{{- if include "sc.openshift" . -}}
{{- $sc = omit $sc "runAsUser" "runAsGroup" "seLinuxOptions" -}}
{{- end -}}
{{- toYaml $sc -}}
{{- end -}}

{{/* A writable /tmp: the root filesystem is read-only. */}}
{{/* The volumes every container of ours has: /tmp and, when kafka.security.tlsSecret is
set, that Secret (CA bundle, optional client certificate and key) at /etc/kafka-tls. */}}
{{- define "sc.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- with .Values.kafka.security.tlsSecret }}
- name: kafka-tls
  secret:
    secretName: {{ . | quote }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "sc.tmpMount" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.kafka.security.tlsSecret }}
- name: kafka-tls
  mountPath: /etc/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* How every Kafka client connects: KAFKA_* settings read by sc_core.kafka (one function
for every producer, consumer and admin client). Credentials come from an existing Secret. */}}
{{- define "sc.kafkaEnv" -}}
{{- $k := .Values.kafka -}}
{{- $sec := $k.security -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ tpl $k.bootstrapServers . | quote }}
- name: KAFKA_ENABLE_IDEMPOTENCE
  value: {{ $k.enableIdempotence | toString | quote }}
- name: KAFKA_SECURITY_PROTOCOL
  value: {{ $sec.protocol | quote }}
{{- if hasPrefix "SASL_" $sec.protocol }}
{{- if not $sec.existingSecret }}
{{- fail "kafka.security.existingSecret (the SASL username and password) is required with a SASL_* protocol" }}
{{- end }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $sec.saslMechanism | quote }}
- name: KAFKA_SASL_USERNAME
{{- if $sec.username }}
  value: {{ $sec.username | quote }}
{{- else }}
  valueFrom:
    secretKeyRef:
      name: {{ $sec.existingSecret | quote }}
      key: {{ $sec.usernameKey | quote }}
{{- end }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $sec.existingSecret | quote }}
      key: {{ $sec.passwordKey | quote }}
{{- end }}
{{- if hasSuffix "SSL" $sec.protocol }}
{{- if $sec.tlsSecret }}
- name: KAFKA_SSL_CAFILE
  value: {{ printf "/etc/kafka-tls/%s" $sec.caKey | quote }}
{{- if $sec.certKey }}
- name: KAFKA_SSL_CERTFILE
  value: {{ printf "/etc/kafka-tls/%s" $sec.certKey | quote }}
- name: KAFKA_SSL_KEYFILE
  value: {{ printf "/etc/kafka-tls/%s" $sec.keyKey | quote }}
{{- end }}
{{- end }}
- name: KAFKA_SSL_CHECK_HOSTNAME
  value: {{ $sec.checkHostname | toString | quote }}
{{- end }}
{{- end -}}

{{/*
Egress rules of a pod. Usage: include "sc.egress" (dict "ctx" $ "kafka" true "database" true "release" true "extra" list)
A peer list left empty means any address, on those ports only.
*/}}
{{- define "sc.egressRule" -}}
- {{- with .rule.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  ports:
    {{- toYaml .rule.ports | nindent 4 }}
{{- end -}}

{{- define "sc.egress" -}}
{{- $e := .ctx.Values.networkPolicy.egress -}}
{{ include "sc.egressRule" (dict "rule" $e.dns) }}
{{- if .kafka }}
{{ include "sc.egressRule" (dict "rule" $e.kafka) }}
{{- end }}
{{- if .database }}
{{ include "sc.egressRule" (dict "rule" $e.database) }}
{{- end }}
{{- if or .ctx.Values.observability.otlpEndpoint .ctx.Values.observability.otlpTracesEndpoint }}
{{ include "sc.egressRule" (dict "rule" $e.otlp) }}
{{- end }}
{{- if .release }}
- to:
    - podSelector:
        matchLabels:
          {{- include "sc.labels.release" .ctx | nindent 10 }}
  ports:
    - port: http
      protocol: TCP
{{- end }}
{{- with $e.extra }}
{{ toYaml . }}
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Hook annotations for resources pre-install/pre-upgrade hook Jobs read. */}}
{{- define "sc.hookAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ .weight | quote }}
helm.sh/hook-delete-policy: before-hook-creation
{{- end -}}

{{/*
The topic catalogue (files/topics.yaml, a copy of contracts/topics.yaml kept in sync by
`python helm/check.py --sync-topics`), as YAML {topics: [{name, partitions, config}]},
each topic followed by its dead-letter topic <name>.dlq. Mirrors
sc_contracts.catalogue.parse_catalogue: a topic's `dlq:` overrides `dlq_defaults:`.
*/}}
{{- define "sc.topics" -}}
{{- $doc := .Files.Get "files/topics.yaml" | fromYaml | default dict -}}
{{- $dlqDefaults := get $doc "dlq_defaults" | default dict -}}
{{- $out := list -}}
{{- range $t := (get $doc "topics" | default list) -}}
{{- $out = append $out (dict "name" $t.name "partitions" (int64 $t.partitions) "config" (dict "retention.ms" (int64 $t.retention_ms | toString) "cleanup.policy" $t.cleanup_policy)) -}}
{{- $dlq := mergeOverwrite (deepCopy $dlqDefaults) (deepCopy ($t.dlq | default dict)) -}}
{{- $retention := 2592000000 -}}
{{- if hasKey $dlq "retention_ms" }}{{ $retention = $dlq.retention_ms }}{{ end -}}
{{- $out = append $out (dict "name" (printf "%s.dlq" $t.name) "partitions" (int64 (default 1 $dlq.partitions)) "config" (dict "retention.ms" (int64 $retention | toString) "cleanup.policy" (default "delete" $dlq.cleanup_policy))) -}}
{{- end -}}
{{- toYaml (dict "topics" $out) -}}
{{- end -}}

{{/*
Refuse values that cannot work: in production no chart-managed secret may be empty or a
development placeholder (the processes would refuse them at start anyway).
*/}}
{{- define "sc.validateValues" -}}
{{- $markers := list "change-me" "changeme" "placeholder" "dev-key" "smart-community-dev" -}}
{{- $errors := list -}}
{{- if eq .Values.environment "production" -}}
{{- $fe := .Values.secrets.fieldEncryption -}}
{{- if not $fe.existingSecret -}}
{{- if not $fe.keys -}}
{{- $errors = append $errors "secrets.fieldEncryption: set existingSecret (or keys) in production" -}}
{{- end -}}
{{- range $m := $markers -}}{{- if contains $m (lower $fe.keys) -}}{{- $errors = append $errors (printf "secrets.fieldEncryption.keys holds the placeholder %q" $m) -}}{{- end -}}{{- end -}}
{{- end -}}
{{- $js := .Values.secrets.jwtSigning -}}
{{- $cs := .Values.secrets.careSigning -}}
{{- range $name, $w := (include "sc.workloads" . | fromYaml) -}}
{{- if and (eq $name "care") (not $cs.existingSecret) (not $cs.key) -}}
{{- $errors = append $errors "care: secrets.careSigning needs existingSecret (or key) in production" -}}
{{- end -}}
{{- if and $w.signingKeys (not $js.existingSecret) (not $js.keys) -}}
{{- $errors = append $errors (printf "%s: secrets.jwtSigning needs existingSecret (or keys) in production" $name) -}}
{{- end -}}
{{- if include "sc.usesChartDatabaseSecret" (dict "ctx" $ "w" $w) -}}
{{- if not $w.database.password -}}
{{- $errors = append $errors (printf "%s: database.existingSecret (or database.password) is required in production" $name) -}}
{{- end -}}
{{- range $m := $markers -}}{{- if contains $m (lower (toString $w.database.password)) -}}{{- $errors = append $errors (printf "%s: database.password holds the placeholder %q" $name $m) -}}{{- end -}}{{- end -}}
{{- if eq $w.databaseUser "postgres" -}}
{{- $errors = append $errors (printf "%s: connect as the service's own role, not postgres" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $m := $markers -}}{{- if contains $m (lower $js.keys) -}}{{- $errors = append $errors (printf "secrets.jwtSigning.keys holds the placeholder %q" $m) -}}{{- end -}}{{- end -}}
{{- end -}}
{{- $workloads := include "sc.workloads" . | fromYaml -}}
{{- range $name, $w := $workloads -}}
{{- if and $w.persistence.enabled (not (has "ReadWriteMany" $w.persistence.accessModes)) (or (gt (int $w.replicaCount) 1) $w.autoscaling.enabled $w.autoscaling.keda.enabled) -}}
{{- $errors = append $errors (printf "%s: persistence with more than one replica needs accessModes [ReadWriteMany] (a ReadWriteOnce volume holds one pod)" $name) -}}
{{- end -}}
{{- end -}}
{{- if .Values.gateway.ingress.enabled -}}
{{- range .Values.gateway.ingress.extraPaths -}}
{{- $target := get $workloads .service -}}
{{- if not $target -}}
{{- $errors = append $errors (printf "gateway.ingress.extraPaths %s: the service %q is not enabled" .path .service) -}}
{{- else -}}
{{- $port := .port -}}
{{- $found := false -}}
{{- range $target.extraPorts -}}{{- if and (eq .name $port) .fromIngressController -}}{{- $found = true -}}{{- end -}}{{- end -}}
{{- if not $found -}}
{{- $errors = append $errors (printf "gateway.ingress.extraPaths %s: %s has no extraPorts entry %q with fromIngressController: true" .path .service $port) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and .Values.topics.job.enabled (not .Values.kafka.strimzi.enabled) (not (hasKey (include "sc.workloads" . | fromYaml) "gateway")) (not .Values.topics.job.image.repository) -}}
{{- $errors = append $errors "topics.job needs topics.job.image.repository when the gateway is disabled" -}}
{{- end -}}
{{- if $errors -}}
{{- fail (printf "\n\nVALUES CHECK FAILED:\n  - %s" (join "\n  - " $errors)) -}}
{{- end -}}
{{- end -}}

{{/*
The MQTT transport of device-ingestion (ADR 0038) as a workload: device-ingestion's block
(image, database, env, extraEnv) under mqttTransport's own replicas, resources, probes and
autoscaling; "" when mqttTransport is off or the release has no device-ingestion.
Usage: include "sc.mqttTransport" . | fromYaml
*/}}
{{- define "sc.mqttTransport" -}}
{{- $t := .Values.mqttTransport -}}
{{- $workloads := include "sc.workloads" . | fromYaml -}}
{{- if and $t.enabled (hasKey $workloads "device-ingestion") -}}
{{- $w := deepCopy (get $workloads "device-ingestion") -}}
{{- $env := merge (deepCopy ($t.env | default dict)) ($w.env | default dict) -}}
{{- $_ := set $env "MQTT_EMBEDDED" "false" -}}
{{- $_ := set $env "MQTT_TRANSPORT_HOST" "0.0.0.0" -}}
{{- $_ := set $env "MQTT_TRANSPORT_PORT" "1883" -}}
{{- if $t.tls.secretName -}}
{{- $_ := set $env "MQTT_TLS_PORT" "8883" -}}
{{- $_ := set $env "MQTT_TLS_CERT_FILE" "/etc/mqtt-tls/tls.crt" -}}
{{- $_ := set $env "MQTT_TLS_KEY_FILE" "/etc/mqtt-tls/tls.key" -}}
{{- end -}}
{{- $_ := set $w "env" $env -}}
{{- range $key := list "replicaCount" "resources" "autoscaling" "pdb" "terminationGracePeriodSeconds" "nodeSelector" "tolerations" "affinity" "podAnnotations" -}}
{{- if hasKey $t $key -}}
{{- $_ := set $w $key (get $t $key) -}}
{{- end -}}
{{- end -}}
{{- toYaml $w -}}
{{- end -}}
{{- end -}}
