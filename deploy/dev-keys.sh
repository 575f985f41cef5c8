#!/usr/bin/env bash
# Writes the gateway's DEVELOPMENT signing key (RSA 2048, PEM) for the compose stack and the
# Kubernetes dev overlay, once. Both places are git-ignored: a private key is never committed.
# Production keys come from the secret store (deploy/k8s/overlays/prod/external-secrets.yaml).
set -euo pipefail
cd "$(dirname "$0")"

targets=(compose/secrets/signing-key.pem k8s/overlays/dev/secrets/signing-key.pem)

generate() {
  if command -v openssl > /dev/null; then
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2> /dev/null
  else
    ../.venv/bin/python - "$1" <<'PY'
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
with open(sys.argv[1], "wb") as out:
    out.write(key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ))
PY
  fi
}

for target in "${targets[@]}"; do
  if [[ -s "$target" ]]; then
    echo "kept     deploy/$target"
    continue
  fi
  mkdir -p "$(dirname "$target")"
  generate "$target"
  # compose bind-mounts the file as is: the container's uid 10001 must be able to read it
  chmod 0644 "$target"
  echo "written  deploy/$target"
done
