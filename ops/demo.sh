#!/usr/bin/env bash
# The demo: sets up the machine, builds faultgraph, starts faultgraphd on
# localhost with TLS (a CA and a server certificate made here by openssl)
# and sign-in, loads the sample data through the real connectors and mappings
# (ops/sample/, written by ops/simulator/fgsim.py), and shows answers. Leaves nothing running.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ops/bootstrap.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target faultgraphd faultgraph

DATA="$ROOT/demo-data"
rm -rf "$DATA"
mkdir -p "$DATA"
# TLS: a throw-away CA and a certificate for 127.0.0.1/localhost (a real
# deployment uses its own CA; see docs/SECURITY.md, TLS).
TLS="$DATA/tls"
mkdir -p "$TLS"
(
  cd "$TLS"
  umask 077
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 7 \
    -subj "/CN=faultgraph demo CA" -keyout ca.key -out ca.pem 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=faultgraphd demo" \
    -keyout server.key -out server.csr 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 \
    -extfile server.ext -out server.pem 2>/dev/null
)
"$BUILD_DIR/api/faultgraphd" --data "$DATA/db" --rules "$ROOT/ops/config/text_rules.toml" \
  --port 0 --port-file "$DATA/port" \
  --tls-cert "$TLS/server.pem" --tls-key "$TLS/server.key" \
  --import-dir "$ROOT/ops/sample" --import-dir "$ROOT/ops/simulator/mappings" \
  2>"$DATA/faultgraphd.log" &
DAEMON=$!
trap 'kill -TERM $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$DATA/port" ] && break; sleep 0.1; done
[ -s "$DATA/port" ] || { cat "$DATA/faultgraphd.log"; exit 1; }
SERVER="127.0.0.1:$(cat "$DATA/port")"
# Sign-in is on: the daemon's first start wrote an admin token (0600).
TOKEN="$DATA/db/admin.token"
# TLS is on: clients trust the demo CA.
export FAULTGRAPH_TLS_CA="$TLS/ca.pem"
fg() { "$BUILD_DIR/api/faultgraph" --server "$SERVER" --token-file "$TOKEN" "$@"; }
# Bold headings on a terminal only: piped or logged, the output has no escapes.
if [ -t 1 ]; then  # folded to the terminal's width at spaces
  step() { printf '\n\033[1m%s\033[0m\n' "$(printf '== %s' "$*" | fold -s -w "$(tput cols 2>/dev/null || echo 100)")"; }
else
  step() { printf '\n== %s\n' "$*"; }
fi

step "faultgraphd is serving $DATA/db on $SERVER with TLS (CA $TLS/ca.pem) and sign-in"
step "Loading a simulated manufacturer (ops/sample, made by ops/simulator/fgsim.py): ERP, CRM, call-centre CDRs (GB18030), IoT alarms"
S="$ROOT/ops/sample"
M="$ROOT/ops/simulator/mappings"
fg ingest --mapping "$M/products.toml"   "$S/erp/products.csv"
fg ingest --mapping "$M/components.toml" "$S/erp/components.csv"
fg ingest --mapping "$M/bom.toml"        "$S/erp/bom.csv"
fg ingest --mapping "$M/shipments.toml"  "$S/erp/shipments.csv"
fg ingest --mapping "$M/fixes.toml"      "$S/crm/fixes.csv"
fg ingest --mapping "$M/tickets.toml"    "$S/crm/tickets.csv"
fg ingest --mapping "$M/calls.toml"      "$S/callcenter/calls.csv"
fg ingest --mapping "$M/alarms.toml"     "$S/iot/alarms.jsonl"

step "Loading the tickets again: nothing is counted twice"
fg ingest --mapping "$M/tickets.toml" "$S/crm/tickets.csv"

step "Sources and their checkpoints"
fg status

step "Rows rejected at ingest (the simulator damaged 13 on purpose), with the reason and where they are"
fg dlq list

step "Product AC-350: its BOM and the symptoms its cases show"
fg product AC-350

step "Which components cause fault code E4 on air conditioners (AC:E4)?"
fg neighbours CAUSED_BY AC:E4

step "... and on AC-350 only (the planted bad compressor batch), with the fixes tried for it"
fg neighbours CAUSED_BY AC:E4 --product AC-350
fg neighbours FIXED_BY AC:E4 --product AC-350

step "Which symptoms has the run capacitor CAP-35UF been diagnosed for?"
fg neighbours CAUSED_BY CAP-35UF --in

step "Ticket T00000090 was exported open, then closed with its diagnosis: the latest version counts"
fg case T00000090

step "Asset AC00001898 (asset 360): warranty, refrigerant topped up (FX-REGAS) three times before the leak was fixed, calls and alarms"
fg asset AC00001898

sleep 1  # the daemon's indexer follows the graph's outbox
step "Search in Chinese: 压缩机 不制冷 (tickets with every word first, marked snippets, facets)"
fg search "压缩机 不制冷" --limit 5

step "Traditional Chinese finds simplified tickets and the reverse: 壓縮機 不啟動"
fg search "壓縮機 不啟動" --limit 3

step "Search in English, stemmed: 'fan not spinning' on AC-350 only"
fg search "fan not spinning" --product AC-350 --limit 5

step "Mixed Chinese and English, as agents type it: 'compressor 不启动'"
fg search "compressor 不启动" --limit 3

step "A full-width fault code finds the half-width one: Ｅ６"
fg search "Ｅ６" --limit 3

step "Train root cause's models from the diagnosed cases (a text classifier and a fitted blend of the evidence; faultgraphd retrains by itself as the graph grows)"
fg train

step "Root cause: an AC-350 that does not cool and shows E4 (the planted bad compressor batch comes first, with its evidence)"
fg rootcause --product AC-350 --codes E4 --text "空调不制冷，外机嗡嗡响" --top 2

step "Root cause with the asset's history, in Chinese (--lang zh-CN; by default the locale decides): AC00001898 frosting again; topping up refrigerant (FX-REGAS) rarely holds"
fg --lang zh-CN rootcause --product AC-500 --serial AC00001898 --text "又不制冷了，内机结霜" --at 2025-09-04 --top 1

step "R&D: fixes that did not hold (the asset back with the same component within 30 days)"
fg repeats --limit 6

step "R&D: failure rates per 1,000 units in service and change alerts (the bad compressor batch from 2025-03)"
fg trends
fg trends --product AC-350 --component COMP-R32A --csv | tail -n 12
fg trends --plot "$DATA/trend.svg"

step "R&D: the feed (pull with the returned cursor: every item once, across restarts)"
fg trends --since "" --limit 5 | cut -c1-160

step "R&D: cases the customer had to chase (two or more calls before the case closed)"
fg repeats --contacts --limit 5

step "R&D: AC-350 compressor failures by shipment month and months in service (first rows)"
fg trends --cohort --product AC-350 --component COMP-R32A | head -n 8

step "Service KPIs by product"
fg kpi

step "Cases like T00000392 (a compressor of the bad batch)"
fg similar --case T00000392 --limit 3

step "The same answer for scripts (--json)"
fg --json neighbours CAUSED_BY AC:E4

step "Sign-in and roles: a support agent may ask for root causes, not load files"
fg users add agent1 --role agent --token-out "$DATA/agent1.token"
agent() { "$BUILD_DIR/api/faultgraph" --server "$SERVER" --token-file "$DATA/agent1.token" "$@"; }
agent rootcause --product AC-350 --codes E4 --text "不制冷" --top 1 | head -n 3
agent ingest --mapping "$M/tickets.toml" "$S/crm/tickets.csv" || true
"$BUILD_DIR/api/faultgraph" --server "$SERVER" status || true   # no token: refused
env -u FAULTGRAPH_TLS_CA "$BUILD_DIR/api/faultgraph" --server "$SERVER" --token-file "$TOKEN" status || true   # plain TCP to the TLS port: refused

step "The audit trail: every call, who made it and how it ended (no query text)"
fg audit --limit 8

printf '\nDemo done. The data stays in %s; query it with\n  %s/api/faultgraph --data %s/db status\n' \
  "$DATA" "$BUILD_DIR" "$DATA"
