#!/usr/bin/env bash
# Makes the webhook's TLS certificate with openssl: a private CA, and a server certificate for the Service's
# DNS names signed by it. Stores the pair as the Secret policy-webhook-tls and puts the CA into the
# ValidatingWebhookConfiguration's caBundle, so the API server trusts the webhook.
#
#   deploy/make-certificate.sh [OUT_DIR]        # then: kubectl apply -f deploy/
#
# Keys are written as unencrypted PKCS#8 (-----BEGIN PRIVATE KEY-----), the form `policy serve` reads.
# Re-run it before the certificate expires (DAYS, default 365): the kubelet updates the mounted Secret, and the
# server (--reload-interval in webhook.yaml) serves the new pair from the next connection on, no restart needed.
# With cert-manager instead: issue a Certificate into the Secret policy-webhook-tls and annotate the
# ValidatingWebhookConfiguration with cert-manager.io/inject-ca-from: policy-system/policy-webhook.
set -euo pipefail
# The manifests beside this script, found before the cd below (a relative $0 no longer names it after it).
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$(mktemp -d)}"
days="${DAYS:-365}"
service=policy-webhook
namespace=policy-system
mkdir -p "$out"
cd "$out"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" \
  -subj "/CN=policy-webhook-ca" -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -subj "/CN=$service.$namespace.svc" -keyout tls.key -out tls.csr 2>/dev/null
printf 'subjectAltName=DNS:%s,DNS:%s.%s,DNS:%s.%s.svc,DNS:%s.%s.svc.cluster.local\nextendedKeyUsage=serverAuth\n' \
  "$service" "$service" "$namespace" "$service" "$namespace" "$service" "$namespace" > tls.ext
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" -extfile tls.ext -out tls.crt 2>/dev/null
echo "certificate and key in $out (tls.crt, tls.key; CA: ca.crt)"

if [ "${NO_KUBECTL:-}" = 1 ]; then exit 0; fi
kubectl apply -f "$here/namespace.yaml" 2>/dev/null || true
kubectl -n "$namespace" create secret tls policy-webhook-tls --cert=tls.crt --key=tls.key \
  --dry-run=client -o yaml | kubectl apply -f -
ca_bundle="$(base64 < ca.crt | tr -d '\n')"
kubectl apply -f "$here/validating-webhook.yaml"
kubectl patch validatingwebhookconfiguration policy-webhook --type=json \
  -p "[{\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"$ca_bundle\"}]"
