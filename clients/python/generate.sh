#!/usr/bin/env bash
# Generates the Python modules of the Exchange contract into clients/python/generated/:
#   exchange/declaration/v1/*.proto  -> *_pb2.py and *_pb2_grpc.py (messages and the service stubs)
#   exchange/enforcement/v1/*.proto  -> the same, for the officer's side (EnforcementService)
#   google/api, google/rpc, google/type protos they import (vendored in protos/google/) -> *_pb2.py
# The google/protobuf well-known types come with python3-protobuf and are not generated.
#
# Needs Debian's python3-grpcio, python3-grpc-tools and python3-protobuf, used through
# /usr/bin/python3 (override with PYTHON=...). The generated code is build output: never committed.
#
# Old-protoc workaround: python3-grpc-tools 1.14 bundles protoc 3.5.1, which predates proto3
# `optional` (protoc 3.12+). The vendored google/rpc/error_details.proto has one such field
# (QuotaFailure.Violation.future_quota_value). That file alone is compiled from a temporary copy
# with the `optional` label removed: same field name, number and type, so the wire format and JSON
# are unchanged; only has-presence of that one field is lost, which this client never reads.
# Everything else is compiled straight from protos/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
protos="$root/protos"
out="$here/generated"
python="${PYTHON:-/usr/bin/python3}"

if ! "$python" -c 'import grpc_tools.protoc, grpc, google.protobuf' 2>/dev/null; then
  echo "generate.sh: $python cannot import grpc_tools, grpc and google.protobuf." >&2
  echo "  Install Debian's packages: apt-get install -y python3-grpcio python3-grpc-tools python3-protobuf" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
staged="$work/protos"
target="$work/generated"
mkdir -p "$staged/google/rpc" "$target"

cd "$protos"
exchange_protos=(exchange/annotations/v1/*.proto exchange/standard/v1/*.proto exchange/declaration/v1/*.proto exchange/enforcement/v1/*.proto)
google_protos=()
for file in google/api/*.proto google/rpc/*.proto google/type/*.proto; do
  [ "$file" = google/rpc/error_details.proto ] || google_protos+=("$file")
done

# google/rpc/error_details.proto without proto3 `optional` labels (see the header), found first
# on the import path wherever the contract imports it.
sed -E 's/^([[:space:]]*)optional[[:space:]]+/\1/' google/rpc/error_details.proto \
  >"$staged/google/rpc/error_details.proto"

# 1. The contract, with its service stubs.
"$python" -m grpc_tools.protoc -I "$staged" -I "$protos" \
  --python_out="$target" --grpc_python_out="$target" "${exchange_protos[@]}"

# 2. The google protos it imports (messages only: they define no service the client calls).
"$python" -m grpc_tools.protoc -I "$protos" --python_out="$target" "${google_protos[@]}"

# 3. google/rpc/error_details.proto as staged above.
"$python" -m grpc_tools.protoc -I "$staged" --python_out="$target" "$staged/google/rpc/error_details.proto"

# Regular packages for everything generated, except the top-level `google`: it must stay a
# namespace package so that it merges with python3-protobuf's google.protobuf.
find "$target" -mindepth 1 -type d ! -path "$target/google" -exec touch {}/__init__.py \;

# Prove the generated code loads under the installed python3-protobuf and grpcio.
(cd "$target" && "$python" - <<'EOF'
from exchange.declaration.v1 import declaration_service_pb2, declaration_service_pb2_grpc  # noqa: F401
from exchange.enforcement.v1 import enforcement_service_pb2, enforcement_service_pb2_grpc  # noqa: F401
from google.rpc import error_details_pb2, status_pb2  # noqa: F401
from google.type import decimal_pb2, money_pb2  # noqa: F401
assert declaration_service_pb2.DESCRIPTOR.services_by_name["DeclarationService"]
assert enforcement_service_pb2.DESCRIPTOR.services_by_name["EnforcementService"]
EOF
)

rm -rf "$out"
mv "$target" "$out"
count=$(find "$out" -name '*_pb2.py' | wc -l)
echo "generated $count proto modules into ${out#"$root"/} (protoc $("$python" -m grpc_tools.protoc --version | cut -d' ' -f2))"
